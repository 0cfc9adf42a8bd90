"""How addresses compare for the one-person-one-seat rule."""

from __future__ import annotations

# Free-mail providers that deliver name.surname@ and namesurname@ to the same inbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def address_key(email: str) -> str:
    """Return the address as the one-person-one-seat rule compares it.

    ``name+tag@`` is ``name@``; at the providers that ignore dots, ``n.a.me@`` is ``name@``
    (and googlemail.com is gmail.com). The stored address stays as typed.
    """
    local, _, domain = email.lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"
