from bulletin.services.notices import unread_count


def notices(request) -> dict:
    """The number of unread notices, the bulletin's and the assessment's, for the
    navigation bar (one query per page)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notices": unread_count(user=user)}
