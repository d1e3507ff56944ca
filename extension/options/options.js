/*
 * Options page: server URL, API key, the selection button on/off, and "Test connection"
 * (GET {server}/healthz through lib/api.js).
 *
 * A server the manifest does not already cover (this computer's loopback addresses) needs
 * a host permission; it is requested here, straight from the click (browsers only show the
 * prompt in answer to a user action).
 */
(function () {
  "use strict";
  const CS = globalThis.ClaimScope;
  const ext = CS.ext;

  const form = document.getElementById("options");
  const server = document.getElementById("server");
  const key = document.getElementById("key");
  const button = document.getElementById("button");
  const test = document.getElementById("test");
  const status = document.getElementById("status");

  const t = (key, subs) => CS.t(key, subs);

  // the page's static text in the browser's language
  document.documentElement.lang = CS.locale();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);

  function say(text, kind) {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  /** Ask for the server's host permission. Called first thing in a click handler. */
  function requestHost(url) {
    let origins;
    try {
      origins = [CS.settings.originPattern(url)];
    } catch (_err) {
      return Promise.resolve(false);
    }
    return ext.permissions.request({ origins }).catch(() => false);
  }

  /** Which key the shortcut is, and where the browser lets the user change it. */
  async function showShortcut() {
    const where = CS.t(globalThis.browser && globalThis.browser.runtime && typeof globalThis.browser.runtime.getBrowserInfo === "function" ? "shortcutWhereFirefox" : "shortcutWhereChrome");
    const el = document.getElementById("shortcut");
    try {
      const commands = await ext.commands.getAll();
      const cmd = commands.find((c) => c.name === "lookup-selection");
      el.textContent = cmd && cmd.shortcut ? CS.t("shortcutSet", [cmd.shortcut, where]) : CS.t("shortcutUnset", where);
      el.dataset.shortcut = (cmd && cmd.shortcut) || "";
    } catch (_err) {
      el.textContent = CS.t("shortcutUnset", where); // commands.getAll is missing on some platforms
    }
  }

  async function load() {
    const s = await CS.settings.load();
    server.value = s.serverUrl;
    key.value = s.apiKey;
    button.checked = !!s.showButton;
    showShortcut();
  }

  function readServer() {
    return CS.settings.normalizeServerUrl(server.value);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url;
    try {
      url = readServer();
    } catch (err) {
      say(err.message, "bad");
      server.focus();
      return;
    }
    const granted = await requestHost(url);
    await CS.settings.save({ serverUrl: url, apiKey: key.value.trim(), showButton: button.checked });
    server.value = url;
    say(
      granted ? t("statusSaved") : t("statusSavedNotAllowed"),
      granted ? "ok" : "bad",
    );
  });

  test.addEventListener("click", async () => {
    let url;
    try {
      url = readServer();
    } catch (err) {
      say(err.message, "bad");
      return;
    }
    const granted = await requestHost(url);
    if (!granted) {
      say(t("statusNotAllowed"), "bad");
      return;
    }
    say(t("statusTesting"), "");
    const result = await CS.api.health({ server: url, apiKey: key.value.trim() });
    if (result.ok) {
      const version = result.data && typeof result.data.version === "string" ? result.data.version : "";
      say(version ? t("statusOkVersion", [url, version]) : t("statusOk", url), "ok");
    } else if (result.error.kind === CS.ERROR_KINDS.UNREACHABLE) {
      say(t("statusUnreachable", [url, result.error.message]), "bad");
    } else if (result.error.kind === CS.ERROR_KINDS.INVALID_KEY) {
      say(t("statusInvalidKey"), "bad");
    } else {
      say(t("statusServerError", [String(result.error.status), result.error.message]), "bad");
    }
  });

  load();
})();
