"""Small building blocks shared by the screens: stable test ids, big thumb-sized
buttons, section titles, toggles and inline error labels."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import flet as ft

from fieldapp.ui.i18n import t

__all__ = [
    "ErrorLabel",
    "big_button",
    "choice_chips",
    "console_card",
    "mark_errors",
    "refreshes",
    "section",
    "sid",
    "stat_card",
    "toggle_tile",
]

ERROR_COLOR = ft.Colors.ERROR


def refreshes(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a screen's event handler: run it (sync or async), then push the page.

    Flet 1.0.5 only re-sends the subtree of the control that raised the event, so a
    handler that changes *other* controls must update the page itself. Handlers read
    their argument from ``e.control.data`` (a lambda returning a coroutine would never
    be awaited by Flet).
    """

    @functools.wraps(fn)
    async def wrapper(self: Any, e: Any = None) -> None:
        result = fn(self, e)
        if inspect.isawaitable(result):
            await result
        self.app.page.update()

    return wrapper


def sid(identifier: str, control: ft.Control) -> ft.Semantics:
    """Wrap ``control`` with a stable accessibility id (``flt-semantics-identifier``).

    Flet refuses a Semantics whose content is hidden, so the content sits in a plain
    Container: the control itself may be shown and hidden freely.
    """
    return ft.Semantics(identifier=identifier, content=ft.Container(content=control))


def big_button(
    label: str, on_click: Callable[..., Any], *, icon: Any = None, identifier: str = ""
) -> ft.Control:
    """A full-width, 64 px tall primary action a thumb cannot miss."""
    button = ft.FilledButton(
        content=ft.Text(label, size=18, weight=ft.FontWeight.BOLD),
        icon=icon,
        on_click=on_click,
        height=64,
        expand=True,
    )
    row = ft.Row([button])
    return sid(identifier, row) if identifier else row


def section(title: str) -> ft.Text:
    return ft.Text(title, size=16, weight=ft.FontWeight.BOLD)


def stat_card(label: str, value: str, identifier: str) -> ft.Control:
    """One Home figure: a large number over its label."""
    return ft.Container(
        col={"xs": 6, "md": 3},
        padding=12,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
        content=sid(
            identifier,
            ft.Column(
                [ft.Text(value, size=28, weight=ft.FontWeight.BOLD), ft.Text(label, size=13)],
                spacing=2,
            ),
        ),
    )


class ErrorLabel(ft.Text):
    """Red text under a section; hidden while empty."""

    def __init__(self) -> None:
        super().__init__("", color=ERROR_COLOR, size=13, visible=False)

    def show(self, message: str | None) -> None:
        self.value = message or ""
        self.visible = bool(message)


def mark_errors(
    errors: dict[str, str], fields: dict[str, Any], labels: dict[str, ErrorLabel]
) -> None:
    """Put each error of a save under its field or section; clear the others."""
    for key, control in fields.items():
        control.error = errors.get(key)
    for key, label in labels.items():
        label.show(errors.get(key))


def choice_chips(
    prefix: str,
    options: list[tuple[str, str]],
    selected: str | None,
    on_select: Callable[..., Any],
    *,
    size: float | None = None,
) -> list[ft.Control]:
    """One chip per ``(value, label)``, the chosen one selected; each has the stable id
    ``{prefix}-{value}`` and carries its value in ``data`` for the handler."""
    return [
        sid(
            f"{prefix}-{value}",
            ft.Chip(
                label=ft.Text(label, size=size),
                selected=value == selected,
                data=value,
                on_select=on_select,
            ),
        )
        for value, label in options
    ]


def toggle_tile(
    label: str, on: bool, on_change: Callable[[bool], Any], identifier: str
) -> ft.Container:
    """A large on/off tile (an activity): tap anywhere to toggle."""
    icon = ft.Icon(ft.Icons.CHECK_BOX if on else ft.Icons.CHECK_BOX_OUTLINE_BLANK)
    text = ft.Text(label, size=15, expand=True)
    tile = ft.Container(
        col={"xs": 6, "md": 4},
        padding=ft.Padding.symmetric(horizontal=10, vertical=14),
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        bgcolor=ft.Colors.PRIMARY_CONTAINER if on else None,
        content=ft.Semantics(
            identifier=identifier,
            button=True,
            toggled=on,
            content=ft.Row([icon, text], spacing=8),
        ),
        data=on,
    )

    async def clicked(_e: Any) -> None:
        tile.data = not tile.data
        icon.icon = ft.Icons.CHECK_BOX if tile.data else ft.Icons.CHECK_BOX_OUTLINE_BLANK
        tile.bgcolor = ft.Colors.PRIMARY_CONTAINER if tile.data else None
        result = on_change(bool(tile.data))
        if inspect.isawaitable(result):
            await result
        if tile.page:
            tile.page.update()

    tile.on_click = clicked
    return tile


def console_card(console_url: str, lang: str) -> ft.Control:
    """For an officer without a team: where teams are set up (the server's web console)."""

    async def open_console(e: Any) -> None:
        # Kept on the button: a service held only by a local may be dropped mid-call.
        e.control.data = launcher = ft.UrlLauncher()
        await launcher.launch_url(console_url)

    return sid(
        "console-card",
        ft.Container(
            padding=12,
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            content=ft.Column(
                [
                    ft.Text(t("console_hint", lang), size=14),
                    ft.Text(console_url, size=14, selectable=True, weight=ft.FontWeight.BOLD),
                    ft.TextButton(
                        t("console_open", lang), icon=ft.Icons.OPEN_IN_NEW, on_click=open_console
                    ),
                ],
                spacing=6,
            ),
        ),
    )
