"""The site navigation: the items a role may open, one of them marked as the current page."""

from __future__ import annotations


def test_the_navigation_marks_one_current_item(page, world):
    audit_page = page(world.admin, "/admin/audit")
    assert [a["href"] for a in audit_page.select(".site-nav a[aria-current=page]")] == ["/admin/audit"]
    users_page = page(None, f"/admin/users/{world.other_worker.id}/edit")
    assert [a["href"] for a in users_page.select(".site-nav a[aria-current=page]")] == ["/admin/users"]
