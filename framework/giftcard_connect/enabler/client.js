// The Enabler's HTTP client for the processor: URL building, headers, timeouts, and
// turning every failure into an EnablerError instead of a stray exception.

/**
 * A base URL without trailing slashes and with single slashes in its path:
 * "https://p.example//api//" becomes "https://p.example/api" (the `//` after the scheme stays).
 */
export function normalizeBaseUrl(url) {
  const text = String(url).trim();
  const origin = text.match(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i)?.[0] ?? "";
  return origin + text.slice(origin.length).replace(/\/{2,}/g, "/").replace(/\/+$/, "");
}

/** `base` + "/" + `path` with exactly one slash between them, and none doubled in `base`. */
export function joinUrl(base, path) {
  return `${normalizeBaseUrl(base)}/${String(path).replace(/^\/+/, "")}`;
}

/** A random id from `crypto.getRandomValues` (available outside secure contexts too). */
export function randomId(prefix = "") {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // UUID version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return prefix + uuid;
}

/**
 * What went wrong, as `onError` receives it (see `toJSON`):
 * `type` is one of NetworkError, Timeout, InvalidResponse, HttpError, InvalidAmount,
 * ConfigError; `status` the HTTP status if an answer came; `code` the processor's error
 * code (e.g. "invalid_token", "InvalidOperation", "RedeemInProgress");
 * `correlationId` the id to look the request up in the processor's logs.
 */
export class EnablerError extends Error {
  constructor({ type, message, status = null, code = null, correlationId = null, cause } = {}) {
    super(message || type, cause === undefined ? undefined : { cause });
    this.name = "EnablerError";
    this.type = type;
    this.status = status;
    this.code = code;
    this.correlationId = correlationId;
  }

  toJSON() {
    return {
      type: this.type,
      status: this.status,
      code: this.code,
      message: this.message,
      correlationId: this.correlationId,
    };
  }
}

/** Calls the processor for one Checkout session. Codes travel only in JSON bodies. */
export class ProcessorClient {
  constructor(processorUrl, sessionId, { timeout = 30000, fetch: fetchImpl } = {}) {
    this.processorUrl = normalizeBaseUrl(processorUrl);
    this.sessionId = sessionId;
    this.timeout = timeout;
    this._fetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  }

  url(path) {
    return joinUrl(this.processorUrl, path);
  }

  get(path, options) {
    return this.request("GET", path, options);
  }

  post(path, body, options) {
    return this.request("POST", path, { ...options, body });
  }

  /**
   * Resolves to `{status, body, correlationId, retryAfter}` for every answer that has a
   * JSON body, whatever its status; rejects with an EnablerError for no answer
   * (NetworkError, Timeout) or an answer that is not JSON (InvalidResponse).
   */
  async request(method, path, { body, headers = {} } = {}) {
    const correlationId = randomId("enabler-");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeout);
    let response;
    try {
      response = await this._fetch(this.url(path), {
        method,
        mode: "cors",
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
        headers: {
          Accept: "application/json",
          "X-Session-Id": this.sessionId,
          "X-Correlation-ID": correlationId,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      clearTimeout(timer);
      const timedOut = controller.signal.aborted;
      throw new EnablerError({
        type: timedOut ? "Timeout" : "NetworkError",
        message: timedOut
          ? `${method} ${path}: no answer within ${this.timeout} ms`
          : `${method} ${path}: the processor could not be reached`,
        correlationId,
        cause,
      });
    }
    const answeredId = response.headers.get("X-Correlation-ID") || correlationId;
    let parsed;
    try {
      const text = await response.text();
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new EnablerError({
        type: controller.signal.aborted ? "Timeout" : "InvalidResponse",
        message: `${method} ${path}: HTTP ${response.status} without a JSON body`,
        status: response.status,
        correlationId: answeredId,
        cause,
      });
    } finally {
      clearTimeout(timer);
    }
    if (parsed === null || typeof parsed !== "object") {
      throw new EnablerError({
        type: "InvalidResponse",
        message: `${method} ${path}: HTTP ${response.status} with a body that is not a JSON object`,
        status: response.status,
        correlationId: answeredId,
      });
    }
    return {
      status: response.status,
      body: parsed,
      correlationId: answeredId,
      retryAfter: parseRetryAfter(response.headers.get("Retry-After")),
    };
  }
}

/** Seconds from a `Retry-After` header (a number or an HTTP date), or null. */
export function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * An EnablerError for an answer with a JSON body that is not what was expected: an
 * HttpError for an error status, an InvalidResponse for a success without the fields.
 * The code and message come from the commercetools `errors`, else from a gift card
 * `status.errors` (a redeem whose outcome is unknown answers 502 in that shape).
 */
export function httpError(answer, path) {
  const body = answer.body || {};
  const errors = Array.isArray(body.errors) ? body.errors : body.status?.errors;
  const first = Array.isArray(errors) && errors[0] ? errors[0] : {};
  return new EnablerError({
    type: answer.status >= 400 ? "HttpError" : "InvalidResponse",
    status: answer.status,
    code: first.code || body.error || null,
    message: body.message || first.message || `${path}: HTTP ${answer.status}`,
    correlationId: answer.correlationId,
  });
}
