// Failure paths: each answer must be the platform's error shape with the right code.

import type {
  Cart,
  ErrorResponse,
  Payment,
  PaymentUpdateAction,
  TransactionDraft,
} from "@commercetools/platform-sdk";

import type { Oracle } from "./harness";

interface FirstError { code?: string; message?: string; currentVersion?: number }
const firstError = (body: ErrorResponse): FirstError => (body.errors?.[0] ?? {}) as FirstError;

/** An API client with one scope, made through the emulator's admin endpoint. */
async function clientWithScope(oracle: Oracle, scope: string): Promise<Oracle> {
  const response = await fetch(`${oracle.settings.url}/_emulator/clients`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scope: `${scope}:${oracle.settings.projectKey}` }),
  });
  const created = await response.json() as { clientId: string; secret: string };
  return oracle.as(created.clientId, created.secret);
}

export async function paymentFailures(oracle: Oracle, payment: Payment): Promise<void> {
  const update = (version: number, actions: PaymentUpdateAction[]) => oracle.api.payments()
    .withId({ ID: payment.id }).post({ body: { version, actions } }).execute();
  const charge = payment.transactions[payment.transactions.length - 1];

  await oracle.attempt("409", async () => {
    const stale = firstError(await oracle.fails("POST /payments/{id} stale version", 409,
      update(payment.version - 1, [{ action: "setStatusInterfaceCode", interfaceCode: "late" }])));
    oracle.check("409", stale.code === "ConcurrentModification"
                 && stale.currentVersion === payment.version,
                 "no ConcurrentModification with the currentVersion");
  });
  await oracle.attempt("invalid transition", async () => {
    const backwards = await oracle.fails("POST /payments/{id} Success → Pending", 400, update(
      payment.version, [{ action: "changeTransactionState", transactionId: charge?.id ?? "",
                          state: "Pending" }]));
    oracle.check("invalid transition", firstError(backwards).code === "InvalidOperation",
                 "an invalid state transition is not InvalidOperation");
  });
  // Deliberately outside the SDK's types: what an out-of-date or mistyped client sends.
  await oracle.attempt("unknown action", async () => {
    const action = { action: "setAmountPaid", amount: { centAmount: 1, currencyCode: "EUR" } };
    const refused = await oracle.fails("POST /payments/{id} unknown action", 400,
      update(payment.version, [action as unknown as PaymentUpdateAction]));
    oracle.check("unknown action", firstError(refused).code === "InvalidInput"
                 && refused.message.includes("setAmountPaid"), "the unknown action is not named");
  });
  await oracle.attempt("unknown field", async () => {
    const draft = { type: "Charge", amount: { centAmount: 1, currencyCode: "EUR" },
                    pspReference: "x" };
    const refused = await oracle.fails("POST /payments/{id} unknown transaction field", 400,
      update(payment.version, [
        { action: "addTransaction", transaction: draft as unknown as TransactionDraft }]));
    oracle.check("unknown field", firstError(refused).code === "InvalidInput"
                 && refused.message.includes("pspReference"), "the unknown field is not named");
  });
  await oracle.attempt("missing scope", async () => {
    const reader = await clientWithScope(oracle, "view_payments");
    const denied = await reader.fails("POST /payments without manage_payments", 403,
      reader.api.payments().post({ body: {
        amountPlanned: { centAmount: 1, currencyCode: "EUR" } } }).execute());
    oracle.check("403", firstError(denied).code === "insufficient_scope",
                 "a missing scope is not insufficient_scope");
    await reader.ok("GET /payments/{id} with view_payments", "Payment",
                    reader.api.payments().withId({ ID: payment.id }).get().execute());
  });
}

export async function orderFailures(oracle: Oracle, orderedCart: Cart): Promise<void> {
  const order = (version: number) => oracle.api.orders().post({ body: {
    cart: { typeId: "cart", id: orderedCart.id }, version } }).execute();
  await oracle.attempt("order from a stale cart", async () => {
    const stale = firstError(await oracle.fails("POST /orders from a stale cart version", 409,
                                                order(orderedCart.version - 1)));
    oracle.check("order 409", stale.code === "ConcurrentModification"
                 && stale.currentVersion === orderedCart.version, "no currentVersion for the cart");
  });
  await oracle.attempt("order twice", async () => {
    const twice = await oracle.fails("POST /orders from an Ordered cart", 400,
                                     order(orderedCart.version));
    oracle.check("ordered twice", firstError(twice).code === "InvalidOperation",
                 "ordering an Ordered cart is not InvalidOperation");
  });
}

export async function lookupFailures(oracle: Oracle): Promise<void> {
  await oracle.attempt("unknown order", async () => {
    const missing = await oracle.fails("GET /orders/{id} unknown", 404,
                                       oracle.api.orders().withId({ ID: "missing" }).get().execute());
    oracle.check("404", firstError(missing).code === "ResourceNotFound", "not ResourceNotFound");
  });
  await oracle.attempt("malformed where", async () => {
    const malformed = await oracle.fails("GET /carts?where malformed", 400,
      oracle.api.carts().get({ queryArgs: { where: 'cartState = "Active' } }).execute());
    oracle.check("malformed where", firstError(malformed).code === "InvalidInput",
                 "a malformed predicate is not InvalidInput");
  });
}
