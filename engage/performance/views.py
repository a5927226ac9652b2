from . import bp  # noqa


def account_links(user, _viewer=None):
    return None
