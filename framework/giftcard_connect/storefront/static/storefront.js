// The demo shop's checkout page: loads the Enabler from the processor, as commercetools
// Checkout would, and uses it to check balances and pay the cart with gift cards.

const body = document.body;
const locale = body.dataset.locale;
const texts = JSON.parse(body.dataset.messages);
const $ = (selector) => document.querySelector(selector);

const t = (key, params = {}) =>
  String(texts[key] ?? key).replace(/\{(\w+)\}/g, (match, name) => (name in params ? params[name] : match));

/** Every Enabler callback, in order; shown on the page and kept for debugging. */
const events = [];
window.storefrontEvents = events;

let state = null;
let component = null;
let formatMoney = (amount) => `${amount.centAmount} ${amount.currencyCode}`;

function setStatus(text, kind = "info") {
  const status = $("#page-status");
  status.dataset.kind = kind;
  status.textContent = text;
}

async function fetchJSON(url, options = {}) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderCart() {
  const rows = state.items.map((item) => {
    const row = document.createElement("tr");
    row.append(
      cell("td", item.name),
      cell("td", String(item.quantity), "num"),
      cell("td", formatMoney(item.unitPrice), "num"),
      cell("td", formatMoney(item.total), "num"),
    );
    return row;
  });
  $("#cart-items").replaceChildren(...rows);
  $("#cart-total").textContent = formatMoney(state.total);
  $("#cart-paid").textContent = formatMoney(state.paid);
  $("#still-to-pay").textContent = formatMoney(state.stillToPay);
  $("#amount-currency").textContent = `(${state.currency})`;
  const paidInFull = state.stillToPay.centAmount <= 0;
  $("#pay").disabled = paidInFull;
  $("#check-balance").disabled = paidInFull;
  $("#amount").disabled = paidInFull;
  if (paidInFull) {
    $("#amount").value = "";
    setStatus(t("paidInFull"), "success");
  }
}

/** The demo cards made for this cart, if the demo knows the provider's cards. */
function renderDemoCards() {
  const cards = state.demoCards || [];
  const items = cards.map((card) => {
    const item = document.createElement("li");
    item.append(cell("code", card.code));
    if (card.pin) item.append(` · ${t("pinLabel")} `, cell("code", card.pin));
    item.append(` · ${formatMoney(card.amount)}`);
    return item;
  });
  $("#demo-cards").replaceChildren(...items);
  $("#demo-cards").hidden = !items.length;
  $("#demo-cards-heading").hidden = !items.length;
}

function renderPayments() {
  const container = $("#payments");
  if (!state.payments.length) {
    container.replaceChildren(cell("p", t("noPayments"), "empty"));
    return;
  }
  const list = document.createElement("ul");
  list.className = "payments";
  for (const payment of state.payments) {
    const item = document.createElement("li");
    item.className = "payment";
    item.dataset.paymentId = payment.id;
    const heading = cell("p", "", "payment-heading");
    heading.append(
      cell("strong", `${t("payment")} ${formatMoney(payment.amountPlanned)}`),
      cell("span", `${t("netPaid")} ${formatMoney(payment.netPaid)}`, "net-paid"),
      cell("code", payment.id),
    );
    const table = document.createElement("table");
    table.className = "transactions";
    const head = document.createElement("tr");
    for (const key of ["type", "state", "amountColumn", "time"]) {
      const th = cell("th", t(key), key === "amountColumn" ? "num" : undefined);
      th.scope = "col";
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    for (const transaction of payment.transactions) {
      const row = document.createElement("tr");
      row.dataset.state = transaction.state;
      row.append(
        cell("td", transaction.type),
        cell("td", transaction.state, `state state-${transaction.state.toLowerCase()}`),
        cell("td", formatMoney(transaction.amount), "num"),
        cell("td", transaction.timestamp ? new Date(transaction.timestamp).toLocaleTimeString(locale) : "–"),
      );
      tbody.append(row);
    }
    table.append(thead, tbody);
    item.append(heading, table);
    list.append(item);
  }
  container.replaceChildren(list);
}

/** Keeps every Enabler event; lists all but onValueChange, which comes with each keystroke. */
function logEvent(name, detail) {
  events.push({ event: name, ...detail });
  if (name === "onValueChange") return;
  const list = $("#events");
  list.querySelector(".empty")?.remove();
  const entry = document.createElement("li");
  entry.append(cell("code", `${name} ${JSON.stringify(detail)}`));
  list.append(entry);
}

// --- amounts typed by the shopper, in minor units without floating point ------------

function decimalSeparator() {
  const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
  return parts.find((part) => part.type === "decimal")?.value || ".";
}

function toInput(amount) {
  const digits = amount.fractionDigits ?? 2;
  const padded = String(amount.centAmount).padStart(digits + 1, "0");
  const major = padded.slice(0, padded.length - digits);
  return digits ? `${major}${decimalSeparator()}${padded.slice(-digits)}` : major;
}

function fromInput(text, currency, digits) {
  const match = String(text).trim().match(digits ? new RegExp(`^(\\d+)(?:[.,](\\d{1,${digits}}))?$`) : /^(\d+)$/);
  if (!match) return null;
  const minor = (match[2] || "").padEnd(digits, "0");
  const centAmount = Number(match[1]) * 10 ** digits + Number(minor || 0);
  return Number.isSafeInteger(centAmount) ? { centAmount, currencyCode: currency } : null;
}

function amountError(text) {
  $("#amount").setAttribute("aria-invalid", text ? "true" : "false");
  $("#amount-error").textContent = text;
}

function prefill(balanceAmount) {
  const due = state.stillToPay;
  const cents = balanceAmount ? Math.min(balanceAmount.centAmount, due.centAmount) : due.centAmount;
  $("#amount").value = toInput({ ...due, centAmount: Math.max(cents, 0) });
  amountError("");
}

// --- what the buttons do -----------------------------------------------------------

async function refresh() {
  state = await fetchJSON(`/api/checkout?locale=${encodeURIComponent(locale)}`);
  renderCart();
  renderDemoCards();
  renderPayments();
}

async function checkBalance() {
  if (!component) return;
  const result = await component.balance();
  if (result.status?.state === "Valid" && result.amount) prefill(result.amount);
}

async function pay() {
  if (!component) return;
  const due = state.stillToPay;
  const amount = fromInput($("#amount").value, due.currencyCode, due.fractionDigits ?? 2);
  if (!amount || amount.centAmount <= 0 || amount.centAmount > due.centAmount) {
    amountError(t("amountInvalid", {
      min: formatMoney({ ...due, centAmount: 1 }),
      max: formatMoney(due),
    }));
    $("#amount").focus();
    return;
  }
  amountError("");
  const button = $("#pay");
  button.setAttribute("aria-busy", "true");
  button.textContent = t("paying");
  try {
    // A second click while this runs gets the same promise: the Enabler sends one redeem.
    const result = await component.submit({ amount });
    if (result.isSuccess) {
      await refresh();
      if (state.stillToPay.centAmount > 0) prefill(null);
    } else {
      await refresh();
    }
  } finally {
    button.removeAttribute("aria-busy");
    button.textContent = t("pay");
  }
}

async function newCart() {
  try {
    await fetchJSON(`/api/checkout?locale=${encodeURIComponent(locale)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    window.location.reload();
  } catch (error) {
    setStatus(t("loadFailed"), "error");
  }
}

async function start() {
  $("#locale").addEventListener("change", (event) => {
    const url = new URL(window.location.href);
    url.searchParams.set("locale", event.target.value);
    window.location.assign(url);
  });
  $("#new-cart").addEventListener("click", newCart);
  $("#check-balance").addEventListener("click", () => checkBalance());
  $("#pay").addEventListener("click", () => pay());
  $("#amount").addEventListener("keydown", (event) => {
    if (event.key === "Enter") pay();
  });

  let module;
  try {
    module = await import(body.dataset.enablerUrl);
  } catch (error) {
    setStatus(t("enablerFailed"), "error");
    throw error;
  }
  formatMoney = (amount) => module.formatMoney(amount, locale);
  try {
    await refresh();
  } catch (error) {
    setStatus(t("loadFailed"), "error");
    throw error;
  }
  prefill(null);

  const enabler = new module.Enabler({
    processorUrl: state.processorUrl,
    sessionId: state.sessionId,
    locale,
    onComplete: (result) => logEvent("onComplete", result),
    onError: (error) => logEvent("onError", error),
  });
  const builder = await enabler.createGiftCardBuilder();
  let lastHasValue = false;
  component = builder.build({
    onGiftCardReady: () => {
      logEvent("onGiftCardReady", {});
      if (state.stillToPay.centAmount > 0) setStatus("", "info");
      document.body.dataset.ready = "true";
    },
    onValueChange: (hasValue) => {
      if (hasValue !== lastHasValue) logEvent("onValueChange", { hasValue });
      lastHasValue = hasValue;
    },
    onEnter: () => checkBalance(),
  });
  component.mount("#giftcard");
  window.storefrontComponent = component;
}

start().catch((error) => console.error("checkout page:", error));
