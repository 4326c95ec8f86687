// Orders: a cart becomes an order as Checkout does it; the order of a payment is found.

import type { Cart, Order, OrderFromCartDraft } from "@commercetools/platform-sdk";

import type { Oracle } from "./harness";

export async function orderTheCart(oracle: Oracle, cart: Cart): Promise<Order> {
  const draft: OrderFromCartDraft = {
    cart: { typeId: "cart", id: cart.id }, version: cart.version, orderNumber: "oracle-1001",
    orderState: "Open", paymentState: "Paid",
  };
  const order = await oracle.ok("POST /orders ?expand", "Order", oracle.api.orders().post({
    body: draft, queryArgs: { expand: ["paymentInfo.payments[*]", "cart"] } }).execute());
  const references = order.paymentInfo?.payments ?? [];
  oracle.check("POST /orders", order.orderNumber === "oracle-1001"
               && references.length === cart.paymentInfo?.payments.length
               && references.every((ref) => ref.obj?.id === ref.id),
               "the order does not carry the cart's expanded payments");
  oracle.check("POST /orders", order.cart?.obj?.cartState === "Ordered",
               "the ordered cart is not Ordered");
  await oracle.attempt("reading orders", () => readOrders(oracle, cart, order));
  return order;
}

async function readOrders(oracle: Oracle, cart: Cart, order: Order): Promise<void> {
  const ordered = await oracle.ok("GET /carts/{id} (ordered)", "Cart",
                                  oracle.api.carts().withId({ ID: cart.id }).get().execute());
  oracle.check("GET /carts/{id}", ordered.cartState === "Ordered"
               && ordered.version === cart.version + 1, "ordering did not update the cart");

  const byId = await oracle.ok("GET /orders/{id}", "Order",
                               oracle.api.orders().withId({ ID: order.id }).get().execute());
  const byNumber = await oracle.ok("GET /orders/order-number={n}", "Order", oracle.api.orders()
    .withOrderNumber({ orderNumber: "oracle-1001" }).get().execute());
  oracle.check("GET /orders", byId.id === order.id && byNumber.id === order.id,
               "the order cannot be read back");
  const paymentId = cart.paymentInfo?.payments[0]?.id ?? "";
  const found = await oracle.ok("GET /orders?where=paymentInfo(payments(id=…))",
                                "OrderPagedQueryResponse", oracle.api.orders().get({ queryArgs: {
    where: `paymentInfo(payments(id = "${paymentId}"))`, expand: "paymentInfo.payments[*]" },
  }).execute());
  oracle.check("GET /orders?where", found.total === 1 && found.results[0]?.id === order.id,
               "a payment's order cannot be found");
}
