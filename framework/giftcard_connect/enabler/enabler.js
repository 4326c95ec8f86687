// The gift card Enabler: the browser side of giftcard-connect.
//
//   const enabler = new Enabler({ processorUrl, sessionId, locale, onComplete, onError });
//   const builder = await enabler.createGiftCardBuilder();          // type "giftcard"
//   const component = builder.build({ onGiftCardReady, onValueChange, onEnter });
//   component.mount("#giftcard");
//   const balance = await component.balance();                       // POST /balance
//   await component.submit({ amount: { centAmount: 2000, currencyCode: "EUR" } }); // POST /redeem
//
// Plain ES modules, no build step, no dependencies: serve this directory from the
// processor (/enabler/enabler.js) or any static host. docs/enabler.md is the reference.

import { EnablerError, ProcessorClient, httpError, normalizeBaseUrl, randomId } from "./client.js";
import { formatMoney, translator } from "./i18n.js";

export { EnablerError, ProcessorClient, joinUrl, normalizeBaseUrl } from "./client.js";
export { LANGUAGES, MESSAGES, formatMoney, resolveLanguage, translator } from "./i18n.js";

/** Gift card states the processor answers in `status.state`. */
export const STATES = Object.freeze([
  "Valid", "NotFound", "Expired", "ZeroBalance", "CurrencyNotMatch", "Invalid", "GenericError",
]);
const DECLINES = new Set(STATES.filter((state) => state !== "Valid"));
/** Answers of one submit while the processor says 409 RedeemInProgress (same key). */
export const MAX_REDEEM_ATTEMPTS = 10;
const MAX_RETRY_DELAY_SECONDS = 5;
const STYLESHEET = new URL("./enabler.css", import.meta.url).href;

let components = 0;

/** Call a shop's callback; what it throws or rejects is logged, never thrown at the Enabler. */
function notify(callback, ...args) {
  if (typeof callback !== "function") return;
  try {
    const result = callback(...args);
    if (result && typeof result.then === "function") result.then(undefined, callbackFailed);
  } catch (error) {
    callbackFailed(error);
  }
}

function callbackFailed(error) {
  console.error("gift card Enabler: a callback failed", error);
}

function asEnablerError(error) {
  if (error instanceof EnablerError) return error;
  return new EnablerError({ type: "UnexpectedError", message: String(error?.message || error), cause: error });
}

/** Codes and PINs are typed with spaces or pasted with line breaks: remove all whitespace. */
export function stripWhitespace(value) {
  return String(value ?? "").replace(/\s+/g, "");
}

function isAmount(amount) {
  return (
    amount !== null &&
    typeof amount === "object" &&
    Number.isSafeInteger(amount.centAmount) &&
    typeof amount.currencyCode === "string" &&
    /^[A-Za-z]{3}$/.test(amount.currencyCode)
  );
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function ensureStylesheet(option) {
  if (option === false || typeof document === "undefined") return;
  const href = typeof option === "string" ? option : STYLESHEET;
  if ([...document.querySelectorAll("link[data-gcc-stylesheet]")].some((link) => link.href === href)) return;
  document.head.append(element("link", { rel: "stylesheet", href, "data-gcc-stylesheet": true }));
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The entry point Checkout (or a shop page) creates once per Checkout session.
 *
 * Options: `processorUrl` and `sessionId` (required), `locale` (e.g. "de-DE"; default
 * the browser's), `onComplete(result)`, `onError(error)`, `messages` ({language:
 * {key: text}} overrides), `stylesheet` (false, or a URL instead of enabler.css),
 * `timeout` (ms per request, default 30000).
 */
export class Enabler {
  constructor(options = {}) {
    for (const name of ["processorUrl", "sessionId"]) {
      if (typeof options[name] !== "string" || !options[name].trim()) {
        throw new TypeError(`Enabler: the option ${name} is required`);
      }
    }
    // "https://p.example/" (a common copy-paste) must not lead to "https://p.example//balance".
    this.options = { ...options, processorUrl: normalizeBaseUrl(options.processorUrl) };
    this.locale = options.locale || globalThis.navigator?.language || "en";
    this.t = translator(this.locale, options.messages);
    this.client = new ProcessorClient(this.options.processorUrl, options.sessionId.trim(), {
      timeout: options.timeout,
      fetch: options.fetch,
    });
    this._config = null;
  }

  /** The language texts are shown in ("de" for "de-DE", "en" when unknown). */
  get language() {
    return this.t.language;
  }

  /**
   * `GET /operations/config`, once: resolves to `{ok: true, config}` or `{ok: false,
   * error}` and never rejects. A failed load is tried again by the next caller.
   */
  loadConfig() {
    if (!this._config) {
      const loading = this.client.get("operations/config").then(
        (answer) =>
          answer.status === 200
            ? { ok: true, config: answer.body }
            : { ok: false, error: httpError(answer, "operations/config") },
        (error) => ({ ok: false, error: asEnablerError(error) }),
      );
      this._config = loading;
      loading.then((result) => {
        if (!result.ok && this._config === loading) this._config = null;
      });
    }
    return this._config;
  }

  /** The builder for gift card components; `type` exists for Checkout's sake. */
  async createGiftCardBuilder(type = "giftcard") {
    if (type !== "giftcard") throw new TypeError(`Enabler: unknown component type ${type}`);
    this.loadConfig();
    return new GiftCardBuilder(this);
  }

  /** Make a component; a provider's Enabler overrides this to use its own subclass. */
  createComponent(options) {
    return new GiftCardComponent(this, options);
  }

  /** Call the `onComplete` or `onError` option, safely. */
  emit(name, ...args) {
    notify(this.options[name], ...args);
  }
}

export class GiftCardBuilder {
  constructor(enabler) {
    this.enabler = enabler;
    this.type = "giftcard";
  }

  /** Options: `onGiftCardReady()`, `onValueChange(hasValue)`, `onEnter()`. */
  build(options = {}) {
    return this.enabler.createComponent(options);
  }
}

/**
 * The gift card fields with their balance check and redeem.
 *
 * Subclasses (a provider's Enabler) may override `render()`, `applyConfig(config)`,
 * `readCard()`, `validate(card)` and `declineMessage(body)`.
 */
export class GiftCardComponent {
  constructor(enabler, options = {}) {
    this.enabler = enabler;
    this.options = { ...options };
    this.t = enabler.t;
    this.id = `gcc-${++components}`;
    this.root = null;
    this.fields = {};
    this.message = null;
    this.pin = "none";
    this.config = null;
    this.lastBalance = null;
    this.ready = null;
    this._balance = null;
    this._submit = null;
    this._attempt = null;
  }

  /** Render into the element `selector` names (or the element itself). */
  mount(selector) {
    const host = typeof selector === "string" ? document.querySelector(selector) : selector;
    if (!host) throw new Error(`Enabler: no element matches ${selector}`);
    ensureStylesheet(this.enabler.options.stylesheet);
    this.root = this.render();
    host.append(this.root);
    this.ready = this.enabler.loadConfig().then((result) => {
      if (result.ok) this.applyConfig(result.config);
      else this.report(result.error);
      notify(this.options.onGiftCardReady);
      return result;
    });
    return this;
  }

  /** Remove the fields from the page. */
  unmount() {
    this.root?.remove();
    this.root = null;
  }

  render() {
    const root = element("div", { class: "gcc-giftcard", lang: this.t.language });
    this.message = element("p", {
      id: `${this.id}-message`,
      class: "gcc-message",
      "aria-live": "polite",
      "aria-atomic": "true",
    });
    this.fields.code = this.renderField("code", this.t("label.code"), {
      required: true,
      maxlength: 128,
      autocomplete: "off",
      autocapitalize: "none",
      spellcheck: "false",
    });
    this.fields.pin = this.renderField("pin", this.t("label.pinOptional"), {
      type: "password",
      inputmode: "numeric",
      maxlength: 64,
      autocomplete: "off",
    });
    this.fields.pin.wrapper.hidden = true;
    root.append(this.fields.code.wrapper, this.fields.pin.wrapper, this.message);
    return root;
  }

  renderField(name, label, attributes = {}) {
    const id = `${this.id}-${name}`;
    const wrapper = element("div", { class: `gcc-field gcc-field-${name}` });
    const labelNode = element("label", { for: id, class: "gcc-label" }, label);
    const input = element("input", {
      type: "text",
      ...attributes,
      id,
      name: `giftcard-${name}`,
      class: "gcc-input",
      "aria-invalid": "false",
      "aria-describedby": `${this.id}-message`,
    });
    input.addEventListener("input", () => this.onInput(name));
    input.addEventListener("keydown", (event) => this.onKeyDown(event));
    wrapper.append(labelNode, input);
    return { wrapper, label: labelNode, input };
  }

  /** Show the PIN field unless the provider says `pin: "none"`. */
  applyConfig(config) {
    this.config = config;
    const policy = config?.pin;
    this.pin = policy == null || policy === "none" ? "none" : policy === "required" ? "required" : "optional";
    const pin = this.fields.pin;
    if (!pin) return;
    pin.wrapper.hidden = this.pin === "none";
    pin.input.required = this.pin === "required";
    pin.label.textContent = this.t(this.pin === "required" ? "label.pin" : "label.pinOptional");
  }

  onInput(name) {
    this.setInvalid(name, false);
    if (this.message?.dataset.kind === "error") this.showMessage(null, "");
    notify(this.options.onValueChange, this.readCard().code.length > 0);
  }

  onKeyDown(event) {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault(); // never submit a form the shop wrapped around the fields
    this.balance();
    notify(this.options.onEnter);
  }

  /** `{code, pin}` as typed, without whitespace; `pin` only when the field is shown. */
  readCard() {
    const code = stripWhitespace(this.fields.code?.input.value);
    const pin = this.pin === "none" ? "" : stripWhitespace(this.fields.pin?.input.value);
    return pin ? { code, pin } : { code };
  }

  /** Null when the card can be sent; else shows why and answers a decline-shaped body. */
  validate(card) {
    if (!card.code) return this.invalid("code", "error.codeRequired");
    if (this.pin === "required" && !card.pin) return this.invalid("pin", "error.pinRequired");
    return null;
  }

  invalid(field, key) {
    const message = this.t(key);
    this.showMessage("error", message);
    this.setInvalid(field, true);
    this.fields[field]?.input.focus();
    return { status: { state: "Invalid", errors: [{ code: "RequiredField", field, message }] } };
  }

  /**
   * `POST /balance`. Resolves to the processor's body: `{status: {state: "Valid"},
   * amount}` or a decline `{status: {state, errors}}`; an error the shopper cannot fix
   * also calls `onError` and resolves to state `GenericError`. Never rejects. While one
   * check is running, calling again returns the same promise.
   */
  balance() {
    if (!this._balance) {
      this._balance = this._checkBalance().finally(() => {
        this._balance = null;
      });
    }
    return this._balance;
  }

  async _checkBalance() {
    try {
      await this.whenReady();
      const card = this.readCard();
      const invalid = this.validate(card);
      if (invalid) return invalid;
      this.setBusy(true);
      this.showMessage("info", this.t("status.checking"));
      const answer = await this.enabler.client.post("balance", card);
      const body = answer.body;
      if (answer.status === 200 && body.status?.state === "Valid" && isAmount(body.amount)) {
        this.lastBalance = body;
        this.showMessage("success", this.t("balance.valid", { amount: this.money(body.amount) }));
        return body;
      }
      if (answer.status >= 400 && typeof body.status?.state === "string") {
        this.lastBalance = null;
        this.showDecline(body);
        return body;
      }
      throw httpError(answer, "balance");
    } catch (error) {
      const reported = this.report(error);
      return {
        status: {
          state: "GenericError",
          errors: [{ code: reported.code || reported.type, message: reported.message }],
        },
      };
    } finally {
      this.setBusy(false);
    }
  }

  /**
   * `POST /redeem` of `amount` ({centAmount, currencyCode}) with an `Idempotency-Key`.
   *
   * Calls `onComplete({isSuccess, paymentReference})` for every definite answer about
   * the payment, a 200 with `result` "Success" or "Failure" (`isSuccess` is true only
   * for "Success"); `onError(error)` for anything else: no answer, an unexpected HTTP
   * answer, or a 502 whose outcome is unknown. Resolves to what it reported; never
   * rejects. One request at a time: calling again while one is pending returns the
   * same promise. The key is kept for a retry of the same card and amount until a
   * definite answer arrives, so a retry after a lost answer can never charge twice.
   */
  submit({ amount } = {}) {
    if (!this._submit) {
      this._submit = this._redeem(amount).finally(() => {
        this._submit = null;
      });
    }
    return this._submit;
  }

  async _redeem(amount) {
    try {
      await this.whenReady();
      if (!isAmount(amount) || amount.centAmount <= 0) {
        throw new EnablerError({
          type: "InvalidAmount",
          message: "submit({amount}) needs {centAmount: a positive integer, currencyCode: a 3-letter code}",
        });
      }
      const card = this.readCard();
      if (this.validate(card)) return { isSuccess: false };
      const redeemAmount = { centAmount: amount.centAmount, currencyCode: amount.currencyCode.toUpperCase() };
      const key = this.idempotencyKey(card, redeemAmount);
      this.setBusy(true);
      this.showMessage("info", this.t("status.paying"));
      const answer = await this.postRedeem({ ...card, redeemAmount }, key);
      const body = answer.body;
      if (answer.status === 200 && body.result === "Success" && typeof body.paymentReference === "string") {
        this._attempt = null;
        this.showMessage("success", this.t("redeem.success", { amount: this.money(redeemAmount) }));
        this.clear();
        return this.complete(true, body.paymentReference);
      }
      if (answer.status === 200 && body.result === "Failure") {
        this._attempt = null;
        this.showDecline(body);
        return this.complete(false, body.paymentReference);
      }
      // Refused before anything was written (bad amount, expired session): a new
      // submit may use a new key. A 5xx (502 OutcomeUnknown included) or a 409 leaves
      // the outcome open: keep the key, so that a retry replays instead of charging.
      if (answer.status < 500 && answer.status !== 409) this._attempt = null;
      throw httpError(answer, "redeem");
    } catch (error) {
      const reported = this.report(error, "redeem");
      return { isSuccess: false, error: reported.toJSON() };
    } finally {
      this.setBusy(false);
    }
  }

  /** The same key for the same card and amount until a definite answer; else a new one. */
  idempotencyKey(card, amount) {
    const fingerprint = JSON.stringify([card.code, card.pin || "", amount.centAmount, amount.currencyCode]);
    if (!this._attempt || this._attempt.fingerprint !== fingerprint) {
      this._attempt = { fingerprint, key: randomId("giftcard-") };
    }
    return this._attempt.key;
  }

  async postRedeem(body, key) {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.enabler.client.post("redeem", body, { headers: { "Idempotency-Key": key } });
      const code = answer.body?.errors?.[0]?.code;
      if (answer.status !== 409 || code !== "RedeemInProgress" || attempt >= MAX_REDEEM_ATTEMPTS) {
        return answer;
      }
      await delay(Math.min(answer.retryAfter ?? 1, MAX_RETRY_DELAY_SECONDS) * 1000);
    }
  }

  complete(isSuccess, paymentReference) {
    const result = { isSuccess: isSuccess === true };
    if (typeof paymentReference === "string") result.paymentReference = paymentReference;
    this.enabler.emit("onComplete", { ...result });
    return result;
  }

  async whenReady() {
    if (!this.root) {
      throw new EnablerError({ type: "NotMounted", message: "mount() the gift card component first" });
    }
    const result = await this.ready;
    if (result.ok) return;
    const again = await this.enabler.loadConfig();
    if (!again.ok) throw again.error;
    this.ready = Promise.resolve(again);
    this.applyConfig(again.config);
  }

  /** Show an error the shopper cannot fix by typing, and tell `onError`. */
  report(error, action = "balance") {
    const reported = asEnablerError(error);
    let key = "error.unexpected";
    if (reported.type === "NetworkError" || reported.type === "Timeout") key = "error.network";
    else if (reported.status === 401) key = "error.session";
    else if (reported.code === "TooManyRequests") key = "error.rateLimited";
    else if (reported.type === "InvalidAmount") key = "error.amount";
    else if (reported.code === "OutcomeUnknown") key = "state.GenericError";
    else if (reported.code === "EarlierRedeemPending") key = "error.earlierPending";
    else if (reported.code === "TooManyFailedAttempts") key = "error.tooManyAttempts";
    else if (action === "redeem" && ["InvalidOperation", "InvalidField"].includes(reported.code)) key = "error.amount";
    this.showMessage("error", this.t(key));
    this.enabler.emit("onError", reported.toJSON());
    return reported;
  }

  showDecline(body) {
    const { key, field } = this.declineMessage(body);
    this.showMessage("error", this.t(key));
    if (field) this.setInvalid(field, true);
  }

  /**
   * The text key and the field to mark for a decline `{status: {state, errors}}`; a
   * redeem Failure without a `status` (the bare established contract) reads as Invalid.
   * The processor answers an unknown code and a missing or wrong PIN alike (state
   * Invalid), so with a PIN field shown the text depends only on what was typed: no PIN
   * yet, enter it if the card has one; a PIN, check the code and the PIN.
   */
  declineMessage(body) {
    const state = DECLINES.has(body.status?.state) ? body.status.state : "Invalid";
    if (state === "GenericError") return { key: "state.GenericError", field: null };
    if (state === "Invalid" && this.pin !== "none") {
      return this.readCard().pin
        ? { key: "state.InvalidWithPin", field: "code" }
        : { key: "state.InvalidNoPin", field: "pin" };
    }
    return { key: `state.${state}`, field: "code" };
  }

  money(amount) {
    return formatMoney(amount, this.t.language);
  }

  showMessage(kind, text) {
    if (!this.message) return;
    if (kind) this.message.dataset.kind = kind;
    else delete this.message.dataset.kind;
    this.message.textContent = text;
  }

  setInvalid(field, invalid) {
    this.fields[field]?.input.setAttribute("aria-invalid", String(invalid));
  }

  setBusy(busy) {
    if (!this.root) return;
    this.root.setAttribute("aria-busy", String(busy));
    for (const { input } of Object.values(this.fields)) input.readOnly = busy;
  }

  /** Empty the fields (after a payment, ready for the next card). */
  clear() {
    for (const [name, { input }] of Object.entries(this.fields)) {
      input.value = "";
      this.setInvalid(name, false);
    }
    this.lastBalance = null;
    notify(this.options.onValueChange, false);
  }
}

export default Enabler;
