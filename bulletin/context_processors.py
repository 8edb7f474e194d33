def notices(request) -> dict:
    """The number of unread notices for the navigation bar (one query per page)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notices": user.notices.unread().count()}
