"""The back-office menu by role: every link it shows opens, and what it hides is refused."""

import re

import pytest

from assistant.models import Role
from assistant.staff.menu import MENU


def menu_links(page: str) -> list[str]:
    nav = page.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="(/staff/[^"]*)"', nav)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_menu_link_opens_for_its_role(client, staff_login, role):
    staff_login(role)
    links = menu_links(client.get("/staff/").get_data(as_text=True))
    assert links, "no menu"
    for link in links:
        assert client.get(link).status_code == 200, (role, link)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_the_menu_hides_only_what_the_role_cannot_open(app, client, staff_login, role):
    staff_login(role)
    shown = set(menu_links(client.get("/staff/").get_data(as_text=True)))
    with app.test_request_context():
        from flask import url_for

        hidden = {url_for(e.endpoint) for e in MENU if e.only is None or role in e.only} - shown
    for link in hidden:
        assert client.get(link).status_code == 403, (role, link)
