// Carts, Checkout sessions, and reading a cart with its payments in one call.

import type { Cart, CartDraft, Payment } from "@commercetools/platform-sdk";

import { sameJson, type Oracle } from "./harness";
import type { CheckoutSession, CheckoutSessionDraft } from "./session";

const EXPAND = ["paymentInfo.payments[*]"];

export async function createCart(oracle: Oracle): Promise<Cart> {
  const draft: CartDraft = {
    currency: "EUR", key: "oracle-cart", anonymousId: "shopper-1", customerEmail: "a@example.com",
    country: "DE", locale: "de-DE",
    shippingAddress: { country: "DE", city: "Berlin", postalCode: "10115" },
    customLineItems: [
      { name: { en: "Teapot" }, slug: "teapot", quantity: 2,
        money: { centAmount: 2000, currencyCode: "EUR" } },
      { name: { en: "Tea" }, slug: "tea", key: "tea",
        money: { centAmount: 2000, currencyCode: "EUR" } },
    ],
  };
  const cart = await oracle.ok("POST /carts", "Cart",
                               oracle.api.carts().post({ body: draft }).execute());
  oracle.check("POST /carts", cart.totalPrice.centAmount === 6000 && cart.cartState === "Active",
               "totals or state wrong");
  return cart;
}

export async function readCart(oracle: Oracle, cart: Cart): Promise<void> {
  const byId = await oracle.ok("GET /carts/{id}", "Cart",
                               oracle.api.carts().withId({ ID: cart.id }).get().execute());
  oracle.check("GET /carts/{id}", sameJson(byId, cart), "the read differs from the created cart");
  const byKey = await oracle.ok("GET /carts/key={key}", "Cart",
                                oracle.api.carts().withKey({ key: "oracle-cart" }).get().execute());
  oracle.check("GET /carts/key={key}", sameJson(byKey, cart),
               "the read differs from the created cart");
}

/** What commercetools Checkout does before it loads a payment connector's Enabler. */
export async function checkoutSession(oracle: Oracle, cart: Cart): Promise<void> {
  const projectKey = oracle.settings.projectKey;
  const draft: CheckoutSessionDraft = {
    cart: { cartRef: { id: cart.id } },
    metadata: { processorUrl: "https://processor.example", paymentInterface: "giftcard-oracle",
                allowedPaymentMethods: ["giftcard"] },
  };
  const session = await oracle.ok("POST /sessions", "CheckoutSession",
                                  oracle.send<CheckoutSession>("POST", `/${projectKey}/sessions`,
                                                               draft));
  oracle.check("POST /sessions", session.state === "ACTIVE"
               && session.activeCart.cartRef.id === cart.id, "not an active session of the cart");
  const read = await oracle.ok("GET /sessions/{id}", "CheckoutSession",
                               oracle.send<CheckoutSession>(
                                 "GET", `/${projectKey}/sessions/${session.id}`));
  oracle.check("GET /sessions/{id}", sameJson(read, session), "the read differs");
}

/** Attach payments with expansion on the update, then read and query the cart expanded. */
export async function payTheCart(oracle: Oracle, cart: Cart, payments: Payment[]): Promise<Cart> {
  let current = cart;
  for (const payment of payments) {
    current = await oracle.ok("POST /carts/{id} addPayment ?expand", "Cart",
                              oracle.api.carts().withId({ ID: cart.id }).post({
      queryArgs: { expand: EXPAND },
      body: { version: current.version, actions: [
        { action: "addPayment", payment: { typeId: "payment", id: payment.id } }] },
    }).execute());
  }
  const fresh = await Promise.all(payments.map((p) => oracle.api.payments()
    .withId({ ID: p.id }).get().execute().then((r) => r.body)));
  const expectExpanded = (label: string, answer: Cart): void => {
    const objs = answer.paymentInfo?.payments.map((ref) => ref.obj) ?? [];
    oracle.check(label, objs.length === payments.length
                 && objs.every((obj, i) => sameJson(obj, fresh[i])),
                 "paymentInfo.payments[*].obj is not each payment exactly as GET answers it");
  };
  expectExpanded("POST /carts/{id} ?expand", current);
  await oracle.attempt("GET /carts/{id} ?expand", async () => expectExpanded(
    "GET /carts/{id} ?expand", await oracle.ok("GET /carts/{id} ?expand", "Cart",
      oracle.api.carts().withId({ ID: cart.id }).get({ queryArgs: { expand: EXPAND } })
        .execute())));
  await oracle.attempt("GET /carts?…", async () => {
    const page = await oracle.ok("GET /carts?where&sort&limit&offset&withTotal&expand",
                               "CartPagedQueryResponse", oracle.api.carts().get({ queryArgs: {
      where: [`id = "${cart.id}"`, 'cartState = "Active"'], sort: ["createdAt desc"], limit: 5,
      offset: 0, withTotal: false, expand: EXPAND } }).execute());
    oracle.check("GET /carts?where", page.count === 1 && page.total === undefined,
                 "the query did not answer one cart without a total");
    if (page.results[0]) expectExpanded("GET /carts?expand", page.results[0]);
  });
  return current;
}
