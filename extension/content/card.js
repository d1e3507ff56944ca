/*
 * The card's DOM, built from the server's answer with createElement and textContent only:
 * no server text ever goes through innerHTML, and a link is made only from an http(s) URL.
 * Every field of the answer may be missing or null; each part of the card is left out
 * when it has nothing to show.
 *
 * Test hooks: the card carries data-claimscope="card", each match data-claimscope="match",
 * each official response data-claimscope="response".
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.card) return;

  const REPUBLISHERS_SHOWN = 3; // the rest behind "+N more"
  const PASSAGE_CONTEXT = 180; // characters of passage shown around the matched part
  const OTHER_CLAIM_CHARS = 160;

  const RELATIONS = new Set(["original", "verbatim", "edited", "excerpt", "translation", "cited"]);
  const STANCES = new Set(["denies", "confirms", "disputes", "comments"]);
  const t = (key, subs) => CS.t(key, subs);

  // -- small helpers ------------------------------------------------------------------

  /** Create an element. `props`: class, text, dir, title, label (aria-label), hook
   * (data-claimscope), href (checked), attrs (plain attributes). Children: nodes or strings. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    const p = props || {};
    if (p.class) el.className = p.class;
    if (p.text !== undefined && p.text !== null) el.textContent = String(p.text);
    if (p.dir) el.dir = p.dir;
    if (p.title) el.title = String(p.title);
    if (p.label) el.setAttribute("aria-label", String(p.label));
    if (p.hook) el.setAttribute("data-claimscope", p.hook);
    if (p.attrs) for (const [k, v] of Object.entries(p.attrs)) el.setAttribute(k, String(v));
    if (tag === "a") {
      const href = safeHref(p.href);
      if (href) {
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      el.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function safeHref(raw) {
    if (typeof raw !== "string" || !raw) return null;
    try {
      const url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_err) {
      return null;
    }
  }

  function str(value) {
    return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  }

  function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  }

  function outletName(outlet) {
    if (!outlet || typeof outlet !== "object") return "";
    return str(outlet.name) || str(outlet.domain);
  }

  /** A date from the server ("2016-09-26", "2016-06", "2016-06-04T01:04", …) in the browser's
   * language through Intl.DateTimeFormat, cut to its precision ("year", "month", "day",
   * "minute", ...). The server's dates are calendar dates: formatted in UTC so no time zone
   * moves them to the day before. Anything unparseable is shown as it is. */
  function formatDate(value, precision) {
    const s = str(value);
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?/.exec(s);
    if (!m) return s;
    const [, y, mo, d, hh, mi] = m;
    const opts = { timeZone: "UTC", year: "numeric" };
    if (mo && precision !== "year") opts.month = "short";
    if (mo && d && precision !== "year" && precision !== "month") opts.day = "numeric";
    const withTime = opts.day && hh && (!precision || precision === "minute" || precision === "hour" || precision === "second");
    if (withTime) Object.assign(opts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const date = new Date(Date.UTC(Number(y), mo ? Number(mo) - 1 : 0, d ? Number(d) : 1, withTime ? Number(hh) : 0, withTime ? Number(mi) : 0));
    if (Number.isNaN(date.getTime())) return s;
    try {
      return new Intl.DateTimeFormat(CS.locale ? CS.locale() : undefined, opts).format(date);
    } catch (_err) {
      return new Intl.DateTimeFormat("en", opts).format(date);
    }
  }

  function pubDate(pub) {
    if (!pub) return "";
    if (str(pub.published_at)) return formatDate(pub.published_at, str(pub.date_precision));
    if (str(pub.not_after)) return t("noLaterThan", formatDate(pub.not_after, "day"));
    return t("dateUnknown");
  }

  function pubSortKey(pub) {
    return str(pub && pub.published_at) || str(pub && pub.not_after) || "\uffff";
  }

  function link(text, href, cls) {
    const url = safeHref(href);
    return url ? h("a", { class: cls || "link", href: url, text }) : null;
  }

  function section(cls, title, ...children) {
    return h("section", { class: `part ${cls}` }, h("h3", { class: "part-title", text: title }), ...children);
  }

  // -- parts of the card --------------------------------------------------------------

  /**
   * The sentence about the reader's own page, when the server has it in its index. The
   * server's `page` holds the page's document and `republication_of`: the first of the
   * sources it republishes (an indexed document, or an outlet it names). "First published
   * by" comes from the claim's provenance when the best match is on this page (the claim's
   * first publication), else from that immediate source.
   */
  function pageNote(page, best) {
    if (!page || typeof page !== "object" || !page.in_index) return null;
    const source = page.republication_of && typeof page.republication_of === "object" ? page.republication_of : null;
    if (source) {
      const prov = best && best.is_current_page && best.provenance && typeof best.provenance === "object" ? best.provenance : null;
      const origin = prov && prov.first_publication && typeof prov.first_publication === "object" ? prov.first_publication : source;
      const what = str(source.title) || outletName(source.outlet) || t("pageAnEarlierArticle");
      const by = outletName(origin.outlet) || outletName(source.outlet) || t("pageUnknownOutlet");
      const when = str(origin.published_at) ? formatDate(origin.published_at, str(origin.date_precision)) : "";
      // the immediate source, named in brackets when the text was first published elsewhere
      const sourceBits = [];
      if (origin !== source) {
        if (str(source.title) && outletName(source.outlet)) sourceBits.push(outletName(source.outlet));
        if (str(source.published_at)) sourceBits.push(formatDate(source.published_at));
      }
      return h(
        "p",
        { class: "page-note", attrs: { role: "note" } },
        t("pageRepublicationOf"),
        h("q", { dir: "auto", text: what }),
        sourceBits.length ? h("span", { class: "page-source", dir: "auto", text: ` (${sourceBits.join(", ")})` }) : null,
        t("pageFirstPublishedBy"),
        h("strong", { dir: "auto", text: by }),
        `${when ? t("pageOn", when) : ""}.`,
      );
    }
    const outlet = outletName(page.outlet);
    return h("p", { class: "page-note", attrs: { role: "note" } }, t("pageInIndex"), outlet ? ` (${outlet}).` : ".");
  }

  function scoreBadge(match) {
    const score = typeof match.score === "number" ? Math.round(Math.max(0, Math.min(1, match.score)) * 100) : null;
    const strong = match.confidence === "high";
    return h(
      "span",
      { class: `score ${strong ? "score-high" : "score-suggestion"}`, title: t("scoreTitle") },
      score === null ? "?" : `${score}%`,
      h("span", { class: "score-label", text: strong ? t("scoreMatch") : t("scorePossible") }),
    );
  }

  function passageBlock(passage) {
    const text = str(passage && passage.text);
    if (!text) return null;
    const full = String(passage.text);
    let start = passage.match_start;
    let end = passage.match_end;
    const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= full.length;
    const quote = h("blockquote", { class: "passage", dir: "auto" });
    if (!valid) {
      quote.append(truncate(full, PASSAGE_CONTEXT * 2));
      return quote;
    }
    const before = full.slice(Math.max(0, start - PASSAGE_CONTEXT), start);
    const after = full.slice(end, end + PASSAGE_CONTEXT);
    quote.append(
      start > PASSAGE_CONTEXT ? "…" : "",
      before,
      h("mark", { text: full.slice(start, end) }),
      after,
      end + PASSAGE_CONTEXT < full.length ? "…" : "",
    );
    return quote;
  }

  function bestMatch(match) {
    const doc = match.document && typeof match.document === "object" ? match.document : {};
    const claim = match.claim && typeof match.claim === "object" ? match.claim : {};
    const where = [];
    const title = str(doc.title);
    if (title) where.push(link(title, doc.url, "doc-title") || h("span", { class: "doc-title", dir: "auto", text: title }));
    const outlet = outletName(doc.outlet);
    if (outlet) where.push(h("span", { class: "outlet", dir: "auto", text: outlet }));
    if (str(doc.published_at)) where.push(h("span", { class: "date", text: formatDate(doc.published_at) }));
    if (match.is_current_page) where.push(h("span", { class: "badge", text: t("thisPage") }));
    const whereLine = where.length
      ? h("p", { class: "where" }, t("foundIn"), ...where.flatMap((el, i) => (i ? [" · ", el] : [el])))
      : null;
    const passage = passageBlock(match.passage);
    return h(
      "section",
      { class: "part best", hook: "match", attrs: { "data-claim-id": str(claim.id) } },
      h("div", { class: "best-head" }, scoreBadge(match)),
      passage || (str(claim.text) ? h("blockquote", { class: "passage", dir: "auto", text: str(claim.text) }) : null),
      whereLine,
    );
  }

  function evidenceList(pub) {
    const items = Array.isArray(pub.evidence) ? pub.evidence.map(str).filter(Boolean) : [];
    if (!items.length) return null;
    return h(
      "details",
      { class: "evidence" },
      h("summary", { text: t("howWeKnow") }),
      h("ul", {}, ...items.map((e) => h("li", { dir: "auto", text: e }))),
    );
  }

  function firstPublication(pub) {
    if (!pub || typeof pub !== "object") {
      return section("first", t("firstPublished"), h("p", { class: "muted", text: t("firstUnknown") }));
    }
    const line = h(
      "p",
      { class: "pub" },
      h("strong", { class: "outlet", dir: "auto", text: outletName(pub.outlet) || t("unknownOutlet") }),
      " · ",
      h("span", { class: "date", text: pubDate(pub) }),
    );
    const url = link(t("open"), pub.url);
    if (url) line.append(" · ", url);
    if (pub.in_index === false) line.append(" ", h("span", { class: "badge badge-attr", text: t("knownThroughAttribution") }));
    const title = str(pub.title);
    return section(
      "first",
      t("firstPublished"),
      line,
      title ? h("p", { class: "pub-title", dir: "auto", text: title }) : null,
      evidenceList(pub),
    );
  }

  function republisherItem(pub, cited) {
    const li = h(
      "li",
      { class: "rep" },
      h("span", { class: "date", text: pubDate(pub) }),
      " ",
      h("strong", { class: "outlet", dir: "auto", text: outletName(pub.outlet) || t("unknownOutlet") }),
    );
    const relation = RELATIONS.has(str(pub.relation)) ? t(`relation_${str(pub.relation)}`) : str(pub.relation);
    if (relation) li.append(" ", h("span", { class: "relation", text: relation }));
    if (str(pub.attribution)) li.append(" ", h("span", { class: "attr", dir: "auto", text: t("credits", str(pub.attribution)) }));
    if (pub.in_index === false && !cited) li.append(" ", h("span", { class: "badge badge-attr", text: t("knownThroughAttribution") }));
    const url = link(t("open"), pub.url);
    if (url) li.append(" · ", url);
    return li;
  }

  function byDate(a, b) {
    return pubSortKey(a) < pubSortKey(b) ? -1 : pubSortKey(a) > pubSortKey(b) ? 1 : 0;
  }

  /**
   * "Republished by": only documents that carry the text (`in_index` true, the server holds
   * their copy). Outlets known only because a document names them (`in_index` false) are
   * listed apart, as cited sources: they are not counted as republishers.
   */
  function republishers(list) {
    const pubs = (Array.isArray(list) ? list : []).filter((p) => p && typeof p === "object");
    const carried = pubs.filter((p) => p.in_index === true).sort(byDate);
    const cited = pubs.filter((p) => p.in_index !== true).sort(byDate);
    const parts = [];
    if (carried.length) {
      const items = carried.map((pub) => republisherItem(pub, false));
      const ol = h("ol", { class: "timeline" }, ...items);
      const inner = [ol];
      if (items.length > REPUBLISHERS_SHOWN) {
        const hiddenItems = items.slice(REPUBLISHERS_SHOWN);
        for (const li of hiddenItems) li.hidden = true;
        const more = h("button", {
          class: "more",
          text: t("more", hiddenItems.length),
          attrs: { type: "button", "aria-expanded": "false" },
        });
        more.addEventListener("click", () => {
          for (const li of hiddenItems) li.hidden = false;
          more.remove();
          const first = hiddenItems[0].querySelector("a, button");
          if (first) first.focus();
        });
        inner.push(more);
      }
      parts.push(section("republishers", t("republishedBy", carried.length), ...inner));
    }
    if (cited.length) {
      const items = cited.map((pub) => {
        const li = republisherItem({ ...pub, relation: "cited" }, true);
        li.className = "cited-item";
        return li;
      });
      parts.push(
        section(
          "cited",
          t("citedAsSource", cited.length),
          h("p", { class: "muted hint", text: t("citedHint") }),
          h("ol", { class: "timeline cited-list" }, ...items),
        ),
      );
    }
    return parts;
  }

  function responseItem(r) {
    const stance = str(r.stance).toLowerCase();
    const who = [str(r.role), str(r.organization)].filter(Boolean).join(", ");
    const head = h(
      "p",
      { class: "response-head" },
      stance ? h("span", { class: `stance stance-${STANCES.has(stance) ? stance : "other"}`, text: STANCES.has(stance) ? t(`stance_${stance}`) : stance }) : null,
      " ",
      h("strong", { class: "speaker", dir: "auto", text: str(r.speaker) || str(r.organization) || t("anOfficial") }),
      who && str(r.speaker) ? h("span", { class: "who", dir: "auto", text: `, ${who}` }) : null,
      str(r.date) ? h("span", { class: "date", text: ` · ${formatDate(r.date)}` }) : null,
    );
    const quote = str(r.quote) ? h("blockquote", { class: "quote", dir: "auto", text: str(r.quote) }) : null;
    const src = r.source && typeof r.source === "object" ? r.source : null;
    let source = null;
    if (src) {
      const label = str(src.title) || outletName(src.outlet);
      if (label) {
        source = h(
          "p",
          { class: "source" },
          t("recordedIn"),
          link(label, src.url, "doc-title") || h("span", { dir: "auto", text: label }),
          str(src.title) && outletName(src.outlet) ? ` (${outletName(src.outlet)})` : "",
        );
      }
    }
    return h("article", { class: "response", hook: "response" }, head, quote, source);
  }

  function responses(list) {
    const items = (Array.isArray(list) ? list : []).filter((r) => r && typeof r === "object");
    if (!items.length) return null;
    return section("responses", t("officialResponses"), ...items.map(responseItem));
  }

  function otherMatches(matches, server) {
    if (!matches.length) return null;
    const items = matches.map((m) => {
      const claim = m.claim && typeof m.claim === "object" ? m.claim : {};
      const text = str(claim.text) || str(m.passage && m.passage.text) || t("noText");
      const li = h(
        "li",
        { class: "other", hook: "match", attrs: { "data-claim-id": str(claim.id) } },
        scoreBadge(m),
        " ",
        h("span", { class: "other-text", dir: "auto", text: truncate(text, OTHER_CLAIM_CHARS) }),
      );
      if (str(claim.id)) li.append(" ", link(t("view"), CS.api ? CS.api.claimUrl(server, claim.id) : `${server}/claims/${claim.id}`));
      return li;
    });
    return section("others", t("otherMatches"), h("ul", { class: "other-list" }, ...items));
  }

  // -- states ------------------------------------------------------------------------

  function message(title, sentence, extra) {
    return h("div", { class: "state" }, h("p", { class: "state-title", text: title }), h("p", { class: "state-text", text: sentence }), extra || null);
  }

  /** The card body for a /v1/match answer. */
  function resultBody(data, server, truncated) {
    const body = [];
    if (truncated && truncated.sentences) {
      body.push(h("p", { class: "truncated-note", hook: "truncated", attrs: { role: "note" }, text: t("truncatedNote", [truncated.total, truncated.sentences]) }));
    }
    const matches = (data && Array.isArray(data.matches) ? data.matches : []).filter((m) => m && typeof m === "object");
    const note = pageNote(data && data.page, matches[0]);
    if (note) body.push(note);
    if (!matches.length) {
      body.push(message(t("nomatchTitle"), t("nomatchText")));
      return { state: "nomatch", body, footer: null };
    }
    const best = matches[0];
    const prov = best.provenance && typeof best.provenance === "object" ? best.provenance : {};
    body.push(bestMatch(best), firstPublication(prov.first_publication));
    body.push(...republishers(prov.republishers));
    const resp = responses(prov.official_responses);
    if (resp) body.push(resp);
    const others = otherMatches(matches.slice(1), server);
    if (others) body.push(others);
    const claimId = best.claim && str(best.claim.id);
    const footer = claimId ? link(t("openClaim"), CS.api ? CS.api.claimUrl(server, claimId) : `${server}/claims/${claimId}`, "claim-link") : null;
    return { state: "match", body, footer };
  }

  /** The card body for a failed request. `openOptions` makes the "Open options" button work. */
  function errorBody(error, server, openOptions) {
    const kind = error && error.kind;
    const optionsButton = () => {
      const b = h("button", { class: "action", text: t("openOptions"), attrs: { type: "button" } });
      b.addEventListener("click", openOptions);
      return b;
    };
    const K = CS.ERROR_KINDS || {};
    let body;
    if (kind === K.UNREACHABLE) {
      body = message(t("offlineTitle"), t("offlineText", server), optionsButton());
    } else if (kind === K.INVALID_KEY) {
      body = message(t("invalidKeyTitle"), t("invalidKeyText"), optionsButton());
    } else if (kind === K.FORBIDDEN) {
      body = message(t("forbiddenTitle"), t("forbiddenText"), optionsButton());
    } else if (kind === K.TOO_LONG) {
      body = message(t("tooLongTitle"), t("tooLongText"));
    } else if (kind === K.RATE_LIMITED) {
      body = message(t("rateLimitedTitle"), t("rateLimitedText"));
    } else if (kind === "extension") {
      body = message(t("updatedTitle"), t("updatedText"));
    } else {
      const detail = str(error && error.message);
      body = message(t("serverErrorTitle"), detail ? t("serverErrorDetail", truncate(detail, 200)) : t("serverErrorText"));
    }
    return { state: kind === K.INVALID_KEY ? "invalid-key" : kind === K.UNREACHABLE ? "offline" : "error", body: [body], footer: null };
  }

  function loadingBody() {
    return {
      state: "loading",
      body: [h("div", { class: "state loading", attrs: { role: "status" } }, h("span", { class: "spinner", attrs: { "aria-hidden": "true" } }), h("span", { class: "state-text", text: t("loading") }))],
      footer: null,
    };
  }

  /**
   * The card shell: header with the close button, a body and a footer, filled by `fill`.
   * Returns {card, fill(parts), closeButton}.
   */
  function shell(onClose) {
    const closeButton = h("button", { class: "close", label: t("closeCard"), title: t("closeTitle"), text: "×", attrs: { type: "button" } });
    closeButton.addEventListener("click", onClose);
    const titleId = "claimscope-card-title";
    const body = h("div", { class: "body" });
    const footer = h("footer", { class: "footer" });
    const card = h(
      "div",
      { class: "card", hook: "card", attrs: { role: "dialog", "aria-labelledby": titleId, tabindex: "-1", dir: "ltr" } },
      h(
        "header",
        { class: "header" },
        h("span", { class: "brand", attrs: { id: titleId } }, h("span", { class: "logo", attrs: { "aria-hidden": "true" }, text: "◎" }), " ClaimScope"),
        h("span", { class: "tagline", text: t("tagline") }),
        closeButton,
      ),
      body,
      footer,
    );
    function fill(parts) {
      card.setAttribute("data-state", parts.state);
      card.setAttribute("aria-busy", parts.state === "loading" ? "true" : "false");
      body.replaceChildren(...parts.body);
      footer.replaceChildren(...(parts.footer ? [parts.footer] : []));
      footer.hidden = !parts.footer;
    }
    return { card, fill, closeButton };
  }

  CS.card = { shell, resultBody, errorBody, loadingBody, formatDate, safeHref, h };
})();
