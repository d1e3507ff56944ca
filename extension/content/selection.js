/*
 * Reading the user's selection: its text, up to 64 characters of page text on each side
 * (the only page text ever sent), where it is on screen, and whether it is worth offering
 * the selection button for. Reads the DOM only; sends nothing.
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.selection) return;

  const CONTEXT_CHARS = 64;
  const MAX_NODES = 400; // stop walking after this many text nodes (whitespace-heavy pages)
  const MIN_WORDS = 4;
  const SKIPPED = "script, style, noscript, template, textarea, select, option, input, [hidden], [aria-hidden='true']";
  const BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|BODY|BR|CAPTION|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TBODY|TD|TFOOT|TH|THEAD|TR|UL)$/;

  function collapse(text) {
    return String(text).replace(/\s+/g, " ");
  }

  function blockOf(node) {
    let el = node.parentElement;
    while (el && !BLOCK.test(el.tagName)) el = el.parentElement;
    return el;
  }

  function makeWalker(doc) {
    return doc.createTreeWalker(doc.body || doc.documentElement, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        const parent = node.parentElement;
        if (!parent || parent.closest(SKIPPED) || parent.closest("#claimscope-root")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
  }

  function lastDescendant(node) {
    while (node.lastChild) node = node.lastChild;
    return node;
  }

  /**
   * Collect page text from a boundary point outwards, one text node at a time, putting a
   * space where a block ends so "ranks.</p><p>Al" reads "ranks. Al".
   */
  function collect(doc, container, offset, forward) {
    const walker = makeWalker(doc);
    const parts = [];
    let length = 0;
    let lastNode = null;

    function add(node, piece) {
      if (lastNode && blockOf(lastNode) !== blockOf(node)) {
        if (forward) parts.push(" ");
        else parts.unshift(" ");
      }
      if (forward) parts.push(piece);
      else parts.unshift(piece);
      length += piece.length;
      lastNode = node;
    }

    if (container.nodeType === Node.TEXT_NODE) {
      add(container, forward ? container.data.slice(offset) : container.data.slice(0, offset));
      walker.currentNode = container;
    } else if (offset < container.childNodes.length) {
      walker.currentNode = container.childNodes[offset];
      if (forward && walker.currentNode.nodeType === Node.TEXT_NODE) add(walker.currentNode, walker.currentNode.data);
    } else {
      walker.currentNode = lastDescendant(container);
      if (!forward && walker.currentNode.nodeType === Node.TEXT_NODE) add(walker.currentNode, walker.currentNode.data);
    }

    let visited = 0;
    while (collapse(parts.join("")).trim().length < CONTEXT_CHARS + 1 && visited < MAX_NODES) {
      const node = forward ? walker.nextNode() : walker.previousNode();
      if (!node) break;
      visited += 1;
      add(node, node.data);
    }
    const text = collapse(parts.join(""));
    return forward ? text.slice(0, CONTEXT_CHARS) : text.slice(-CONTEXT_CHARS);
  }

  function countWords(text) {
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      let n = 0;
      for (const seg of new Intl.Segmenter(undefined, { granularity: "word" }).segment(text)) {
        if (seg.isWordLike) n += 1;
        if (n >= MIN_WORDS) break;
      }
      return n;
    }
    return text.split(/\s+/).filter(Boolean).length;
  }

  function isEditable(node) {
    const el = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    if (el && el.closest("input, textarea, [contenteditable]:not([contenteditable='false'])")) return true;
    const active = document.activeElement;
    return !!active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA");
  }

  function rectOf(range) {
    const rects = Array.from(range.getClientRects()).filter((r) => r.width || r.height);
    const box = range.getBoundingClientRect();
    const last = rects.length ? rects[rects.length - 1] : box;
    const sx = window.scrollX;
    const sy = window.scrollY;
    // page coordinates, so the card stays with the text when the page scrolls
    return {
      left: box.left + sx,
      top: box.top + sy,
      right: box.right + sx,
      bottom: box.bottom + sy,
      endRight: last.right + sx,
      endBottom: last.bottom + sy,
    };
  }

  /**
   * The current selection of this document, or null when there is none.
   * {text, prefix, suffix, rect, words, editable}
   */
  function capture() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const text = collapse(sel.toString()).trim();
    if (!text) return null;
    return {
      text,
      prefix: collect(document, range.startContainer, range.startOffset, false),
      suffix: collect(document, range.endContainer, range.endOffset, true),
      rect: rectOf(range),
      words: countWords(text),
      editable: isEditable(range.commonAncestorContainer),
    };
  }

  /** A stand-in when the page's selection is gone but the browser told us its text. */
  function fromText(text) {
    const sx = window.scrollX;
    const sy = window.scrollY;
    const left = sx + Math.max(8, window.innerWidth / 2 - 200);
    const top = sy + 16;
    return { text: collapse(text).trim(), prefix: "", suffix: "", rect: { left, top, right: left, bottom: top, endRight: left, endBottom: top }, words: countWords(text), editable: false };
  }

  const FIRST_SENTENCES = 3; // a selection over the server's limit is matched by this many
  const FALLBACK_LIMIT = 1000;

  /** The server's limit from its 413 message ("… the limit is 4000"), or a safe guess. */
  function limitFromError(error) {
    const m = /limit is (\d+)/.exec(String((error && error.message) || ""));
    const n = m ? Number(m[1]) : FALLBACK_LIMIT;
    return n > 0 ? n : FALLBACK_LIMIT;
  }

  function splitSentences(text) {
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      const seg = new Intl.Segmenter(undefined, { granularity: "sentence" });
      return Array.from(seg.segment(text), (s) => s.segment);
    }
    return text.match(/[^.!?。！？]+(?:[.!?。！？]+["'”’»)\]]*\s*|$)/g) || [text];
  }

  /**
   * The first sentences of a selection (at most FIRST_SENTENCES, within `limit` characters):
   * what is matched when the whole selection is over the server's limit. A first sentence
   * longer than the limit is cut at the last word boundary that fits.
   */
  function firstSentences(text, limit) {
    const max = Math.max(1, Math.min(limit, FALLBACK_LIMIT * 4));
    const sentences = splitSentences(String(text).trim()).filter((s) => s.trim());
    let out = "";
    let count = 0;
    for (const s of sentences) {
      if (count >= FIRST_SENTENCES || (out + s).trim().length > max) break;
      out += s;
      count += 1;
    }
    if (!count && sentences.length) {
      const cut = sentences[0].slice(0, max);
      const space = cut.lastIndexOf(" ");
      out = space > max / 2 ? cut.slice(0, space) : cut;
      count = 1;
    }
    return { text: out.trim(), sentences: count };
  }

  CS.selection = { capture, fromText, firstSentences, limitFromError, MIN_WORDS, CONTEXT_CHARS };
})();
