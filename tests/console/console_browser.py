"""Shared by the console's browser tests: an officer signed in through the real sign-in
form, in a window of one of the two sizes every page is checked at. (The server and the
Chromium fixtures, ``served`` and ``browser``, are in conftest.py.)"""

from __future__ import annotations

from console_world import ConsoleWorld

__all__ = ["SIZES", "Officer"]

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


class Officer:
    """A browser context signed in through the real sign-in form."""

    def __init__(self, browser, world: ConsoleWorld, url: str, who: str, size: str = "desktop"):
        w, h = SIZES[size]
        self.context = browser.new_context(
            viewport={"width": w, "height": h}, accept_downloads=True, locale="vi-VN"
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.url = url
        self.page.goto(f"{url}/console/")
        self.page.get_by_label("Mã dùng một lần").fill(world.code(who))
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_load_state()

    def go(self, path: str):
        self.page.goto(f"{self.url}{path}")
        return self.page

    def close(self) -> None:
        self.context.close()
