// The newsroom's editor: TipTap over the article body's <textarea>, which keeps the HTML the form
// sends (the server sanitises it again with nh3). No inline script or style is needed (CSP
// script-src 'self'): the page marks the textarea with class "html-editor" and data-upload-url.
import { Editor, Node, mergeAttributes } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Link from "@tiptap/extension-link";
import Table from "@tiptap/extension-table";
import TableRow from "@tiptap/extension-table-row";
import TableHeader from "@tiptap/extension-table-header";
import TableCell from "@tiptap/extension-table-cell";

const MAX_BYTES = 10 * 1024 * 1024;

// The editor's words in the page's language: the server writes them (gettext, portal/editor_i18n.py)
// into <script type="application/json" id="editor-i18n">, keyed by the Vietnamese text used here.
let MESSAGES = null;
function t(text, params) {
  if (MESSAGES === null) {
    const node = document.getElementById("editor-i18n");
    try {
      MESSAGES = node ? JSON.parse(node.textContent) : {};
    } catch (err) {
      MESSAGES = {};
    }
  }
  const out = MESSAGES[text] || text;
  return params ? out.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole)) : out;
}
const CAPTION_RE = /^\s*(hình|ảnh|hình ảnh|biểu đồ|figure|fig\.)\s*\d*\s*[:.–-]/i;

// <figure><img><figcaption>: one block, the picture's address, size, text alternative and caption.
const Figure = Node.create({
  name: "figure",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      src: { default: "" },
      alt: { default: "" },
      width: { default: null },
      height: { default: null },
      caption: { default: "" },
    };
  },
  parseHTML() {
    return [
      {
        tag: "figure",
        getAttrs: (el) => {
          const img = el.querySelector("img");
          if (!img) return false;
          const cap = el.querySelector("figcaption");
          return {
            src: img.getAttribute("src") || "",
            alt: img.getAttribute("alt") || "",
            width: img.getAttribute("width"),
            height: img.getAttribute("height"),
            caption: cap ? cap.textContent.trim() : "",
          };
        },
      },
      {
        tag: "img[src]",
        getAttrs: (el) => ({
          src: el.getAttribute("src") || "",
          alt: el.getAttribute("alt") || "",
          width: el.getAttribute("width"),
          height: el.getAttribute("height"),
          caption: "",
        }),
      },
    ];
  },
  renderHTML({ node }) {
    const a = node.attrs;
    const img = ["img", mergeAttributes({ src: a.src, alt: a.alt || "" }, a.width ? { width: a.width } : {}, a.height ? { height: a.height } : {})];
    return a.caption ? ["figure", {}, img, ["figcaption", {}, a.caption]] : ["figure", {}, img];
  },
});

function text(el) {
  return (el.textContent || "").replace(/\s+/g, " ").trim();
}

// Word's HTML (and mammoth's): drop styles, classes, comments and Office tags; a picture alone in a
// paragraph becomes a figure, and the caption paragraph after it ("Hình 1: …", Word's Caption style)
// its figcaption.
export function cleanPastedHtml(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script, style, meta, link, title, xml, iframe, object, embed, noscript").forEach((n) => n.remove());
  doc.querySelectorAll("*").forEach((el) => {
    if (el.tagName.includes(":")) {
      el.replaceWith(...el.childNodes);
      return;
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "lang") el.removeAttribute(attr.name);
    }
  });
  const body = doc.body;
  body.querySelectorAll("img").forEach((img) => {
    const w = parseInt(img.getAttribute("width") || "0", 10);
    const h = parseInt(img.getAttribute("height") || "0", 10);
    if ((w && w <= 2) || (h && h <= 2)) img.remove(); // a tracking pixel
  });
  body.querySelectorAll("p").forEach((p) => {
    const imgs = p.querySelectorAll("img");
    if (imgs.length !== 1 || text(p) !== "") return;
    const figure = doc.createElement("figure");
    figure.appendChild(imgs[0]);
    let next = p.nextElementSibling;
    while (next && next.tagName === "P" && text(next) === "") next = next.nextElementSibling;
    if (next && next.tagName === "P" && (/caption/i.test(next.className) || CAPTION_RE.test(text(next)))) {
      const cap = doc.createElement("figcaption");
      cap.textContent = text(next);
      figure.appendChild(cap);
      if (!figure.querySelector("img").getAttribute("alt")) figure.querySelector("img").setAttribute("alt", text(next));
      next.remove();
    }
    p.replaceWith(figure);
  });
  body.querySelectorAll("[class]").forEach((el) => el.removeAttribute("class"));
  return body.innerHTML;
}

function dataUrlToBlob(url) {
  const [head, data] = url.split(",", 2);
  const mime = (head.match(/^data:([^;]+)/) || [])[1] || "application/octet-stream";
  const bytes = atob(data || "");
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return new Blob([out], { type: mime });
}

function csrfToken(form) {
  const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function setup(area) {
  const form = area.form;
  const label = document.querySelector(`label[for="${area.id}"]`);
  if (label && !label.id) label.id = `${area.id}-label`;
  const status = document.createElement("div");
  status.className = "editor-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const bar = document.createElement("div");
  bar.className = "editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", area.dataset.toolbarLabel || t("Định dạng"));
  const surface = document.createElement("div");
  surface.className = "editor-frame";
  area.hidden = true;
  area.after(bar, surface, status);
  const say = (message, isError) => {
    status.textContent = message;
    status.classList.toggle("error", !!isError);
  };

  const uploading = new Set();
  const editor = new Editor({
    element: surface,
    injectCSS: false,
    content: area.value,
    extensions: [
      StarterKit.configure({ heading: { levels: [2, 3, 4] }, code: false, codeBlock: false }),
      Link.configure({ openOnClick: false, autolink: true, protocols: ["http", "https", "mailto", "tel"], validate: (href) => !/^\s*(javascript|data|vbscript):/i.test(href) }),
      Table.configure({ resizable: false }),
      TableRow,
      TableHeader,
      TableCell,
      Figure,
    ],
    editorProps: {
      attributes: {
        class: "editor-surface",
        role: "textbox",
        "aria-multiline": "true",
        ...(label ? { "aria-labelledby": label.id } : { "aria-label": t("Nội dung") }),
      },
      transformPastedHTML: cleanPastedHtml,
    },
    onUpdate: () => {
      area.value = editor.getHTML();
      uploadPasted();
    },
  });
  area.value = editor.getHTML();

  // Pictures pasted with their bytes (data: URLs, as Word and mammoth give them) go to the article's
  // gallery, where they are checked, resized and given a thumbnail; the body then points there.
  function uploadPasted() {
    const found = [];
    editor.state.doc.descendants((node, pos) => {
      if (node.type.name === "figure") {
        const src = node.attrs.src || "";
        if (src.startsWith("data:") && !uploading.has(src)) found.push(node.attrs);
        else if (src && !src.startsWith("/") && !src.startsWith("data:")) found.push({ ...node.attrs, foreign: true });
      }
    });
    found.forEach((attrs) => {
      if (attrs.foreign) {
        replaceFigure(attrs.src, null);
        say(t("Ảnh từ địa chỉ ngoài (%(src)s) bị bỏ: hãy tải ảnh lên thư viện ảnh rồi chèn.", { src: attrs.src.slice(0, 60) }), true);
        return;
      }
      const blob = dataUrlToBlob(attrs.src);
      if (blob.size > MAX_BYTES) {
        replaceFigure(attrs.src, null);
        say(t("Ảnh dán vào nặng %(size)s MB, vượt quá giới hạn 10 MB: ảnh đã bị bỏ.", { size: (blob.size / 1048576).toFixed(1) }), true);
        return;
      }
      uploading.add(attrs.src);
      const data = new FormData();
      data.append("image", blob, "anh-dan." + ((blob.type.split("/")[1] || "png").replace("jpeg", "jpg")));
      data.append("caption", attrs.caption || "");
      data.append("alt", attrs.alt || attrs.caption || "");
      say(t("Đang tải ảnh lên…"));
      fetch(area.dataset.uploadUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((r) => r.json().then((json) => ({ ok: r.ok, json })))
        .then(({ ok, json }) => {
          if (!ok) throw new Error(json.error || t("Không tải được ảnh."));
          replaceFigure(attrs.src, { src: json.src, width: json.width, height: json.height, alt: attrs.alt || json.alt || attrs.caption, caption: attrs.caption });
          addToGallery(json);
          say(t("Đã tải ảnh lên thư viện ảnh của bài."));
        })
        .catch((err) => {
          replaceFigure(attrs.src, null);
          say(err.message, true);
        })
        .finally(() => uploading.delete(attrs.src));
    });
  }

  function replaceFigure(src, attrs) {
    const { state } = editor;
    let tr = state.tr;
    const hits = [];
    state.doc.descendants((node, pos) => {
      if (node.type.name === "figure" && node.attrs.src === src) hits.push([node, pos]);
    });
    hits.reverse().forEach(([node, pos]) => {
      tr = attrs ? tr.setNodeMarkup(pos, undefined, { ...node.attrs, ...attrs }) : tr.delete(pos, pos + node.nodeSize);
    });
    if (hits.length) editor.view.dispatch(tr);
  }

  function addToGallery(json) {
    const list = document.querySelector("[data-gallery]");
    if (!list || !json.thumbnail) return;
    const item = document.createElement("li");
    const img = document.createElement("img");
    img.src = json.thumbnail;
    img.alt = json.alt || "";
    img.width = 160;
    item.appendChild(img);
    list.appendChild(item);
  }

  function editFigure() {
    const sel = editor.state.selection;
    const node = sel.node;
    if (!node || node.type.name !== "figure") {
      say(t("Hãy chọn một ảnh trong nội dung trước."), true);
      return;
    }
    const alt = window.prompt(t("Mô tả ảnh cho người khiếm thị (bắt buộc):"), node.attrs.alt || "");
    if (alt === null) return;
    const caption = window.prompt(t("Chú thích ảnh:"), node.attrs.caption || "");
    if (!alt.trim()) {
      say(t("Ảnh cần có mô tả (alt)."), true);
      return;
    }
    editor.chain().focus().updateAttributes("figure", { alt: alt.trim(), caption: (caption || "").trim() }).run();
  }

  const buttons = [
    [t("Đoạn văn"), () => editor.chain().focus().setParagraph().run()],
    [t("Tiêu đề"), () => editor.chain().focus().toggleHeading({ level: 2 }).run()],
    [t("Tiêu đề nhỏ"), () => editor.chain().focus().toggleHeading({ level: 3 }).run()],
    [t("Đậm"), () => editor.chain().focus().toggleBold().run()],
    [t("Nghiêng"), () => editor.chain().focus().toggleItalic().run()],
    [t("Danh sách"), () => editor.chain().focus().toggleBulletList().run()],
    [t("Danh sách số"), () => editor.chain().focus().toggleOrderedList().run()],
    [t("Trích dẫn"), () => editor.chain().focus().toggleBlockquote().run()],
    [
      t("Liên kết"),
      () => {
        const href = window.prompt(t("Địa chỉ liên kết (https://…):"), editor.getAttributes("link").href || "https://");
        if (href === null) return;
        if (!href.trim() || href.trim() === "https://") editor.chain().focus().unsetLink().run();
        else if (/^\s*(javascript|data|vbscript):/i.test(href)) say(t("Liên kết “javascript:” không được phép."), true);
        else editor.chain().focus().extendMarkRange("link").setLink({ href: href.trim() }).run();
      },
    ],
    [t("Chèn bảng"), () => editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()],
    [t("Thêm hàng"), () => editor.chain().focus().addRowAfter().run()],
    [t("Thêm cột"), () => editor.chain().focus().addColumnAfter().run()],
    [t("Xóa bảng"), () => editor.chain().focus().deleteTable().run()],
    [t("Sửa ảnh"), editFigure],
    [t("Hoàn tác"), () => editor.chain().focus().undo().run()],
    [t("Làm lại"), () => editor.chain().focus().redo().run()],
  ];
  buttons.forEach(([name, run]) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = name;
    b.addEventListener("click", run);
    bar.appendChild(b);
  });
  surface.addEventListener("dblclick", (event) => {
    if (event.target.closest("figure")) editFigure();
  });

  // The gallery's "Chèn" buttons put the chosen picture, with its text alternative and caption, at the cursor.
  document.querySelectorAll("[data-insert-image]").forEach((button) => {
    button.addEventListener("click", () => {
      const d = button.dataset;
      editor.chain().focus().insertContent({ type: "figure", attrs: { src: d.src, alt: d.alt, width: d.width, height: d.height, caption: d.caption } }).run();
      say(t("Đã chèn ảnh vào nội dung."));
    });
  });

  if (form) form.addEventListener("submit", () => (area.value = editor.getHTML()));
  window.phoihopEditor = editor; // for the browser tests and the console
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea.html-editor").forEach(setup);
});
