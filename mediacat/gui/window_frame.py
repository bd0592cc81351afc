"""The main window's frame: what its first paint shows, before the library opens (issue 12, paint first).

The menus (filled by the content and the features), the tool bar with the search box, the status bar's count
label, the splitter holding the three panes' places (the content puts the side bar, the catalog and the detail
pane in them) and the column of notice bars above it. Made of plain widgets: this module is on the path to the
first paint, so it imports nothing else (not even PySide6's `Qt` namespace, docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMenu, QSplitter, QToolBar, QVBoxLayout, QWidget

MENU_NAMES = ("File", "Edit", "Item", "View", "Tools", "Help")
DEFAULT_SPLITTER_SIZES = [230, 740, 360]


class WindowFrame:
    """The frame's widgets, made into `window` at once; the panes get their widths when the window first shows."""

    def __init__(self, window: QMainWindow, saved_splitter_sizes: list[int] | None) -> None:
        self.menus: dict[str, QMenu] = {name: window.menuBar().addMenu(f"&{name}") for name in MENU_NAMES}
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles, descriptions, quotes, tags… (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search")
        self.search_box.setMinimumWidth(320)
        self.toolbar = QToolBar("Main toolbar")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setAccessibleName("Main toolbar")
        self.search_box_action = self.toolbar.addWidget(self.search_box)  # the view actions go before it
        window.addToolBar(self.toolbar)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Item counts")
        window.statusBar().addPermanentWidget(self.count_label)
        window.statusBar().setAccessibleName("Status bar")
        self.splitter = QSplitter()  # horizontal: side bar | catalog | detail pane
        self.splitter.setObjectName("main-splitter")
        for _pane in range(3):  # the panes' places, until the content takes them
            self.splitter.addWidget(QWidget())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(DEFAULT_SPLITTER_SIZES)
        central = QWidget()
        self._notices = QVBoxLayout(central)  # notices span the window above the panes, then the panes
        self._notices.setContentsMargins(0, 0, 0, 0)
        self._notices.setSpacing(2)
        self._notices.addWidget(self.splitter, 1)
        window.setCentralWidget(central)
        sizes = saved_splitter_sizes
        self._saved_splitter_sizes = sizes if sizes and len(sizes) == self.splitter.count() else None
        self.panes_placed = False  # the panes have their widths (the window was shown)

    def menu(self, name: str) -> QMenu:
        try:
            return self.menus[name]
        except KeyError:
            raise KeyError(f"no menu {name!r}; the menus are {', '.join(MENU_NAMES)}") from None

    def add_notice(self, widget: QWidget, *, first: bool = False) -> None:
        """`widget` above the panes, under the notices already there (`first`: above them)."""
        self._notices.insertWidget(0 if first else self._notices.indexOf(self.splitter), widget)

    def notices(self) -> list[QWidget]:
        items = (self._notices.itemAt(i) for i in range(self._notices.count()))
        found = (item.widget() for item in items if item is not None)
        return [widget for widget in found if widget is not None and widget is not self.splitter]

    def take_panes(self, panes: Sequence[QWidget]) -> None:
        """The content's panes in the places' stead, with the places' widths if the frame was shown."""
        if len(panes) != self.splitter.count():
            raise ValueError(f"the frame has {self.splitter.count()} pane places, not {len(panes)}")
        sizes = self.splitter.sizes()
        for index, widget in enumerate(panes):
            place = self.splitter.replaceWidget(index, widget)
            if place is None:  # Qt replaces nothing with a widget already in the splitter
                raise ValueError(f"pane {index} ({type(widget).__name__}) is already in the frame's splitter")
            place.deleteLater()
        if self.panes_placed:
            self.splitter.setSizes(sizes)

    def place_panes(self) -> None:
        """At the window's first show: the panes get their widths once the window (with any feature docks) has
        its real size, the saved ones or the defaults."""
        if not self.panes_placed:
            self.panes_placed = True
            self.splitter.setSizes(self._saved_splitter_sizes or self.default_splitter_sizes())

    def default_splitter_sizes(self) -> list[int]:
        total = max(sum(self.splitter.sizes()), self.splitter.width())
        sidebar = min(DEFAULT_SPLITTER_SIZES[0], total // 4)
        detail = min(DEFAULT_SPLITTER_SIZES[2], total * 3 // 10)
        return [sidebar, max(0, total - sidebar - detail), detail]
