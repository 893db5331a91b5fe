"""A tab's view: reads only while its tab is on screen; the app catches it up when the tab is shown."""

from __future__ import annotations


class ReadsWhenShown:
    """Mixed into a tab's view (a Widget). ``reload`` calls ``should_read``; a hidden view only notes
    that it is ``stale``, and ``RelanceApp.action_show_tab`` reloads it when its tab comes up."""

    stale = True  # nothing read yet: views are built when their tab is first shown

    @property
    def visible_in_tab(self) -> bool:
        parent = self.parent  # type: ignore[attr-defined]
        return bool(self.display and parent is not None and parent.display  # type: ignore[attr-defined]
                    and self.size.height > 0)  # type: ignore[attr-defined]

    def should_read(self, force: bool = False) -> bool:
        if not (force or self.visible_in_tab):
            self.stale = True
            return False
        self.stale = False
        return True
