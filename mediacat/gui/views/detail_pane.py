"""The selected item in full: preview, fields, links, attachments, and the sources that mention it; and in
its place, when Edit… is pressed, an editor a feature puts there (`set_editor`)."""

from __future__ import annotations

from html import escape
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.builtin_media import shown_media
from mediacat.core.model import Attachment, BuiltinMedia, Item
from mediacat.gui.models.sources_model import ARTICLE_ID_ROLE, QUOTE_ROLE, SourcesModel
from mediacat.gui.views.drops import ItemDropTarget
from mediacat.gui.views.placeholders import placeholder_pixmap

PREVIEW_SIZE = 220


def how_to_attach_text(item: Item) -> str:
    """The sentence shown where an item's media would be, when it has no file attached."""
    if item.builtin_media:
        text = (
            "The picture shown is built into the catalog; no file of your own is attached. Attach one with "
            f"Item ▸ Attach files…, drag files here, or run mediacat attach {item.id} FILE."
        )
    else:
        text = (
            "No file is attached to this item. Attach one with Item ▸ Attach files…, drag files here, "
            f"or run mediacat attach {item.id} FILE."
        )
    from mediacat.core.fetch_queue import public_source  # its NASA and download modules: not before the first paint

    source = public_source(item)
    if source is not None:
        text += f" Or download {public_file_name(item)} with “{DOWNLOAD_BUTTON_TEXT}” below."
    return text


DOWNLOAD_BUTTON_TEXT = "Download from NASA"


def public_file_name(item: Item) -> str:
    """What the Download button fetches: the file's name (or "one of its N media files", asked when pressed),
    or the NASA id the Image Library resolves."""
    from mediacat.core.fetch_queue import public_sources

    sources = public_sources(item)
    if not sources:
        return ""
    if len(sources) > 1:
        return f"one of its {len(sources)} media files"
    source = sources[0]
    if source.url:
        return PurePosixPath(urlsplit(source.url).path).name
    return f"{source.nasa_id} from the NASA Image Library"


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


def builtin_summary(media: BuiltinMedia) -> str:
    parts = [human_size(media.size)]
    if media.width and media.height:
        parts.append(f"{media.width}×{media.height}")
    return ", ".join(parts)


class WrappedTextDelegate(QStyledItemDelegate):
    """List rows as tall as their word-wrapped text at the list's current width."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self._view
        width = max(80, view.viewport().width() - 2 * view.spacing() - 12)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bounds = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(width, bounds.height() + 8)


class DetailPane(ItemDropTarget, QWidget):
    """Shows one item; emits when a source is activated or files are dropped on it."""

    source_activated = Signal(str, str, str)  # article id, quote, item id
    files_dropped = Signal(str, list)
    download_requested = Signal(str)  # item id: fetch its public NASA file (features/nasa_download.py)
    get_public_media_requested = Signal()
    edit_requested = Signal(str)  # item id: show the editor (see set_editor) in the details' place

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
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setAccessibleName("Picture caption")
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.how_to = QLabel()
        self.how_to.setWordWrap(True)
        self.how_to.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.how_to.setAccessibleName("How to attach a file")
        self.how_to.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton(DOWNLOAD_BUTTON_TEXT)
        self.download_button.setAccessibleName("Download the public NASA file")
        self.download_button.clicked.connect(self._download_clicked)
        self.get_public_button = QPushButton("Get Public Media…")
        self.get_public_button.setToolTip("Download the public NASA files of every item that has one")
        self.get_public_button.clicked.connect(self.get_public_media_requested)
        buttons = QVBoxLayout()  # stacked, and free to shrink with a narrow pane (the text names the file)
        for button in (self.download_button, self.get_public_button):
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(0)
            buttons.addWidget(button)
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
        content_layout.addWidget(self.caption)
        content_layout.addWidget(self.how_to)
        content_layout.addLayout(buttons)
        content_layout.addWidget(self.fields)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for label in (self.preview, self.caption, self.how_to, self.fields):
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
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setAccessibleName("Edit the item")
        self.edit_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.edit_button.setMinimumWidth(0)
        self.edit_button.clicked.connect(self._edit_clicked)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.edit_button)
        details_layout.addWidget(self.splitter, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(details)
        self.editor: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.stack)
        self.show_item(None)

    # -- the editor in the details' place ------------------------------------------------------------

    def set_editor(self, editor: QWidget) -> None:
        """The widget Edit… shows instead of the details (one; a feature provides it)."""
        if self.editor is not None:
            self.stack.removeWidget(self.editor)
        self.editor = editor
        self.stack.addWidget(editor)
        self._update_edit_button()  # the item shown before the feature installed gets its button now

    @property
    def editing(self) -> bool:
        return self.editor is not None and self.stack.currentWidget() is self.editor

    def show_editor(self) -> None:
        if self.editor is not None:
            self.stack.setCurrentWidget(self.editor)

    def show_details(self) -> None:
        self.stack.setCurrentIndex(0)

    def _update_edit_button(self) -> None:
        item = self.item
        self.edit_button.setVisible(item is not None and self.editor is not None)
        if item is not None:
            self.edit_button.setText("Edit…" if item.origin == "user" else "Correct Facts…")
            self.edit_button.setToolTip("Change this item's fields and sources" if item.origin == "user" else
                                        "Correct this shipped item's facts (kept beside the catalog's values)")

    def _edit_clicked(self) -> None:
        if self.item is not None:
            self.edit_requested.emit(self.item.id)

    def show_item(self, item: Item | None, preview: QPixmap | None = None) -> None:
        self.item = item
        self._update_edit_button()
        if item is None:
            self.show_details()
            self.preview.clear()
            self.caption.clear()
            self.caption.setVisible(False)
            self.how_to.setText("Select an item to see its details.")
            self.how_to.setVisible(True)
            self.download_button.setVisible(False)
            self.get_public_button.setVisible(False)
            self.fields.clear()
            self.sources_model.set_sources(())
            return
        self.set_preview(preview)
        self.fields.setText(self._fields_html(item))
        self.sources_model.set_sources(item.sources)

    def set_preview(self, pixmap: QPixmap | None) -> None:
        """The first attachment's thumbnail (else the built-in picture's, with its caption), or the placeholder
        and how-to sentence when there is none."""
        item = self.item
        if item is None:
            return
        builtin = shown_media(item)
        has_picture = pixmap is not None and not pixmap.isNull()
        self.caption.setText(builtin.caption if builtin is not None and has_picture else "")
        self.caption.setVisible(builtin is not None and has_picture)
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
        from mediacat.core.fetch_queue import already_attached, public_source

        source = public_source(item)
        missing = source is not None and already_attached(item, source) is None
        self.download_button.setText(DOWNLOAD_BUTTON_TEXT)
        self.download_button.setToolTip(f"Download {public_file_name(item)} and attach it ({source.describe()})"
                                        if source is not None else "")
        self.download_button.setVisible(missing)
        self.get_public_button.setVisible(not item.attachments)

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
        if item.builtin_media:
            entries = "".join(
                f"<li>{escape(m.label)}<br><small>{escape(builtin_summary(m))} · Credit: {escape(m.credit)}"
                f"{' · found in ' + _link(m.source['url']) if m.source.get('url') else ''}</small></li>"
                for m in item.builtin_media
            )
            attachments += (f"<p><b>Built into the catalog</b> (read-only)</p>"
                            f"<ul style='margin-left:12px'>{entries}</ul>")
        return (
            f"<h3>{escape(item.title)}</h3><p>{escape(item.description)}</p>"
            f"<table cellspacing='2'>{table}</table>{attachments}"
        )

    def _download_clicked(self) -> None:
        if self.item is not None:
            self.download_requested.emit(self.item.id)

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
