"""The route × role table's shared pieces: each capability's tests/<capability>/test_roles.py
lists its routes with the status each role gets, and asserts ``route_problems(...) == []``.
"anon" is a resident with no account; a 302 for anon is the redirect to the sign-in page."""

ANON, VCS, PRAC, COORD, OFF = "anon", "vcs", "practitioner", "coordinator", "officer"
ROLES = [ANON, VCS, PRAC, COORD, OFF]


def expect(anon, vcs, prac, coord, off):
    return dict(zip(ROLES, (anon, vcs, prac, coord, off)))


PUBLIC = expect(200, 200, 200, 200, 200)
SIGNED_IN = expect(302, 200, 200, 200, 200)
OFFICER_ONLY = expect(302, 403, 403, 403, 200)


def route_problems(login, client, method: str, path: str, expected: dict) -> list[str]:
    """Each role that gets another status than ``expected`` says (or an anonymous visitor
    sent anywhere but the sign-in page); an empty list when every role is answered right."""
    problems = []
    for role in ROLES:
        login(None if role == ANON else role)
        response = client.open(path, method=method, data={})
        if response.status_code != expected[role]:
            problems.append(f"{method} {path} as {role}: {response.status_code}, expected {expected[role]}")
        elif response.status_code == 302 and role == ANON and "/sign-in" not in response.headers["Location"]:
            problems.append(f"{method} {path} as {role}: sent to {response.headers['Location']}, not to sign in")
    return problems
