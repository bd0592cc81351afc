"""The selected item in full: preview, fields, links, attachments, and the sources that mention it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.model import Attachment, Item
from mediacat.gui.models.sources_model import ARTICLE_ID_ROLE, QUOTE_ROLE, SourcesModel
from mediacat.gui.views.drops import ItemDropTarget
from mediacat.gui.views.placeholders import placeholder_pixmap

PREVIEW_SIZE = 220


def how_to_attach_text(item: Item) -> str:
    """The sentence shown where an item's media would be, when it has no file attached."""
    text = (
        "No file is attached to this item. Attach one with Item ▸ Attach files…, drag files here, "
        f"or run mediacat attach {item.id} FILE."
    )
    if item.media_urls:
        count = len(item.media_urls)
        text += (
            " Or download the public NASA file listed under Media files in the details."
            if count == 1
            else f" Or download one of the {count} public NASA files listed under Media files in the details."
        )
    return text


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def attachment_summary(attachment: Attachment) -> str:
    parts = [attachment.mode, human_size(attachment.size)]
    if attachment.width and attachment.height:
        parts.append(f"{attachment.width}×{attachment.height}")
    if attachment.duration:
        minutes, seconds = divmod(attachment.duration, 60)
        parts.append(f"{int(minutes)}:{seconds:04.1f}")
    parts.append(attachment.status)
    return ", ".join(parts)


class WrappedTextDelegate(QStyledItemDelegate):
    """List rows as tall as their word-wrapped text at the list's current width."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self.parent()
        width = max(80, view.viewport().width() - 2 * view.spacing() - 12)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bounds = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(width, bounds.height() + 8)


class DetailPane(ItemDropTarget, QWidget):
    """Shows one item; emits when a source is activated or files are dropped on it."""

    source_activated = Signal(str, str, str)  # article id, quote, item id
    files_dropped = Signal(str, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Item details")
        self.setAcceptDrops(True)
        self.item: Item | None = None
        self.phase_labels: dict[str, str] = {}

        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(PREVIEW_SIZE // 2)
        self.preview.setAccessibleName("Preview")
        self.how_to = QLabel()
        self.how_to.setWordWrap(True)
        self.how_to.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.how_to.setAccessibleName("How to attach a file")
        self.how_to.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QLabel()
        self.fields.setWordWrap(True)
        self.fields.setTextFormat(Qt.TextFormat.RichText)
        self.fields.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.fields.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.fields.setOpenExternalLinks(False)
        self.fields.linkActivated.connect(self.open_link)
        self.fields.setAccessibleName("Item fields")

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.preview)
        content_layout.addWidget(self.how_to)
        content_layout.addWidget(self.fields)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for label in (self.preview, self.how_to, self.fields):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(0)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        scroll.setAccessibleName("Item details scroll area")

        self.sources_model = SourcesModel(self)
        self.sources_view = QListView()
        self.sources_view.setModel(self.sources_model)
        self.sources_view.setWordWrap(True)
        self.sources_view.setUniformItemSizes(False)
        self.sources_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.sources_view.setSpacing(3)
        self.sources_view.setItemDelegate(WrappedTextDelegate(self.sources_view))
        self.sources_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a steady width
        self.sources_view.setAlternatingRowColors(True)
        self.sources_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sources_view.setAccessibleName("Sources")
        self.sources_view.setToolTip("Double-click or press Enter to read the article at this passage")
        self.sources_view.activated.connect(self._source_activated)
        sources_title = QLabel("<b>Sources</b> (double-click to read the article)")
        sources_box = QWidget()
        sources_layout = QVBoxLayout(sources_box)
        sources_layout.setContentsMargins(0, 0, 0, 0)
        sources_layout.addWidget(sources_title)
        sources_layout.addWidget(self.sources_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(sources_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.splitter)
        self.show_item(None)

    def show_item(self, item: Item | None, preview: QPixmap | None = None) -> None:
        self.item = item
        if item is None:
            self.preview.clear()
            self.how_to.setText("Select an item to see its details.")
            self.how_to.setVisible(True)
            self.fields.clear()
            self.sources_model.set_sources(())
            return
        self.set_preview(preview)
        self.fields.setText(self._fields_html(item))
        self.sources_model.set_sources(item.sources)

    def set_preview(self, pixmap: QPixmap | None) -> None:
        """The first attachment's thumbnail, or the placeholder and how-to sentence when there is none."""
        item = self.item
        if item is None:
            return
        if pixmap is not None and not pixmap.isNull():
            self.preview.setPixmap(pixmap)
        else:
            media_type = item.attachments[0].media_type if item.attachments else item.media_type
            self.preview.setPixmap(
                placeholder_pixmap(media_type or item.media_type, PREVIEW_SIZE // 2, self.palette(),
                                   self.devicePixelRatioF())
            )
        self.how_to.setText(how_to_attach_text(item))
        self.how_to.setVisible(not item.attachments)

    def _fields_html(self, item: Item) -> str:
        rows: list[tuple[str, str]] = [
            ("Type", escape(f"{item.media_type} · {item.kind}")),
            ("Camera", escape(item.camera or "—")),
            ("Date taken", escape(item.date_taken or "—")),
            ("Phase", escape(self.phase_labels.get(item.mission_phase or "", item.mission_phase or "—"))),
            ("Credit", escape(item.credit or "—")),
        ]
        if item.nasa_ids:
            rows.append(("NASA ids", escape(", ".join(item.nasa_ids))))
        if item.official_urls:
            rows.append(("NASA pages", "<br>".join(_link(url) for url in item.official_urls)))
        if item.media_urls:
            rows.append(("Media files", "<br>".join(_link(url) for url in item.media_urls)))
        rows.append(("Tags", escape(", ".join(item.tags)) if item.tags else "—"))
        if item.origin == "user":
            rows.append(("Origin", "an item of your own"))
        for name, seed in item.overrides.items():  # a user's corrections of shipped facts, shown as such
            rows.append((escape(name.replace("_", " ").capitalize()),
                         f"<i>your correction</i>; the catalog says: {escape(str(seed) if seed else '(empty)')}"))
        for source in item.external_sources:
            rows.append(("Source", f"{_link(source['url'])}<br>“{escape(source['quote'])}”"))
        if item.notes:
            rows.append(("Notes", escape(item.notes).replace("\n", "<br>")))
        table = "".join(
            f"<tr><td style='padding-right:8px' valign='top'><b>{label}</b></td><td>{value}</td></tr>"
            for label, value in rows
        )
        attachments = ""
        if item.attachments:
            entries = "".join(
                f"<li>{escape(a.resolved_path or a.path)}<br><small>{escape(attachment_summary(a))}</small></li>"
                for a in item.attachments
            )
            attachments = f"<p><b>Attachments</b></p><ul style='margin-left:12px'>{entries}</ul>"
        return (
            f"<h3>{escape(item.title)}</h3><p>{escape(item.description)}</p>"
            f"<table cellspacing='2'>{table}</table>{attachments}"
        )

    def open_link(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def _source_activated(self, index: QModelIndex) -> None:
        if self.item is not None and index.isValid():
            self.source_activated.emit(index.data(ARTICLE_ID_ROLE), index.data(QUOTE_ROLE), self.item.id)



LINK_TEXT_LIMIT = 44


def _link(url: str) -> str:
    """A clickable link whose text is the URL without its scheme, shortened to fit a narrow pane."""
    text = url.split("://", 1)[-1]
    if len(text) > LINK_TEXT_LIMIT:
        text = text[: LINK_TEXT_LIMIT - 1] + "…"
    return f"<a href='{escape(url, quote=True)}' title='{escape(url, quote=True)}'>{escape(text)}</a>"
