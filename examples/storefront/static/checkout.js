// The shop's checkout page: a Checkout session from the shop's server, then the Enabler's
// gift card fields. It uses only the Enabler's contract (docs/enabler.md): new Enabler(),
// createGiftCardBuilder(), build(), mount(), balance() and submit({amount}).

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
const locale = params.get("locale") || navigator.language;

let cart = null; // {id, total, stillToPay}, amounts as {centAmount, currencyCode, fractionDigits}
let component = null;
let paying = false;

/** An amount for people, from minor units without floating-point arithmetic. */
function formatMoney({ centAmount, currencyCode, fractionDigits = 2 }) {
  const digits = String(centAmount).padStart(fractionDigits + 1, "0");
  const decimal = fractionDigits
    ? `${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`
    : digits;
  const options = { style: "currency", currency: currencyCode };
  try {
    return new Intl.NumberFormat(locale, options).format(decimal);
  } catch {
    return new Intl.NumberFormat("en", options).format(decimal); // a locale Intl does not know
  }
}

function show(text, kind = "info") {
  $("#status").textContent = text;
  $("#status").dataset.kind = kind;
}

/** Each Enabler callback, as a developer wants to watch them. */
function record(callback, details) {
  const item = document.createElement("li");
  item.textContent = `${callback} ${JSON.stringify(details)}`;
  $("#events").append(item);
}

function renderTotals() {
  $("#total").textContent = formatMoney(cart.total);
  $("#still-to-pay").textContent = formatMoney(cart.stillToPay);
}

/** The shop's server creates the Checkout session: for ?cart=<id>, or a new sample cart. */
async function createCheckoutSession() {
  const cartId = params.get("cart");
  const response = await fetch("/api/checkout-session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(cartId ? { cartId } : {}),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

/** What Checkout does: ask the balance, then pay the smaller of it and what is left. */
async function pay() {
  if (paying || cart.stillToPay.centAmount <= 0) return;
  paying = true;
  $("#pay").disabled = true;
  try {
    const balance = await component.balance(); // the Enabler shows the balance, or why not
    if (balance.status.state !== "Valid") return;
    const amount = {
      centAmount: Math.min(balance.amount.centAmount, cart.stillToPay.centAmount),
      currencyCode: cart.stillToPay.currencyCode,
    };
    const result = await component.submit({ amount });
    if (result.isSuccess) {
      const left = cart.stillToPay.centAmount - amount.centAmount;
      cart.stillToPay = { ...cart.stillToPay, centAmount: left };
      renderTotals();
      if (left > 0) show(`${formatMoney(cart.stillToPay)} still to pay: add another gift card.`);
      else show("Paid in full. Thank you!", "success");
    }
  } finally {
    paying = false;
    $("#pay").disabled = cart.stillToPay.centAmount <= 0;
  }
}

function onComplete({ isSuccess, paymentReference }) {
  record("onComplete", { isSuccess, paymentReference });
  if (!isSuccess) show("The gift card was declined; nothing was charged.", "error");
}

function onError(error) {
  record("onError", error);
  show("The gift card could not be used just now. Please try again.", "error");
}

async function start() {
  try {
    const checkout = await createCheckoutSession();
    cart = checkout.cart;
    renderTotals();
    const { Enabler } = await import(`${checkout.processorUrl}/enabler/enabler.js`);
    const enabler = new Enabler({
      processorUrl: checkout.processorUrl,
      sessionId: checkout.sessionId,
      locale,
      onComplete,
      onError,
    });
    const builder = await enabler.createGiftCardBuilder();
    component = builder.build({
      // Enter in a field shows the card's balance (the Enabler does that); the button pays.
      onGiftCardReady: () => {
        $("#pay").disabled = false;
        show("Enter your gift card code.");
      },
    });
    component.mount("#giftcard");
    $("#pay").addEventListener("click", pay);
  } catch (error) {
    show(`Gift cards cannot be used here: ${error.message}`, "error");
  }
}

start();
