"""The route × role table's shared pieces: each capability's tests/<capability>/test_roles.py
lists its routes with the status each role gets, and checks them with ``check_route``.
"anon" is a resident with no account; a 302 for anon is the redirect to the sign-in page."""

ANON, VCS, PRAC, COORD, OFF = "anon", "vcs", "practitioner", "coordinator", "officer"
ROLES = [ANON, VCS, PRAC, COORD, OFF]


def expect(anon, vcs, prac, coord, off):
    return dict(zip(ROLES, (anon, vcs, prac, coord, off)))


PUBLIC = expect(200, 200, 200, 200, 200)
SIGNED_IN = expect(302, 200, 200, 200, 200)
OFFICER_ONLY = expect(302, 403, 403, 403, 200)


def check_route(login, client, method: str, path: str, expected: dict) -> None:
    for role in ROLES:
        login(None if role == ANON else role)
        response = client.open(path, method=method, data={})
        assert response.status_code == expected[role], f"{method} {path} as {role}: {response.status_code}"
        if response.status_code == 302 and role == ANON:
            assert "/sign-in" in response.headers["Location"]
