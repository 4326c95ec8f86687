// Payments: every field of PaymentDraft and TransactionDraft, and every update action.

import type {
  Payment,
  PaymentDraft,
  PaymentUpdateAction,
  Transaction,
  TypeResourceIdentifier,
} from "@commercetools/platform-sdk";

import type { Oracle } from "./harness";

type ActionName = PaymentUpdateAction["action"];

interface Step<K extends ActionName> {
  build: (payment: Payment) => Extract<PaymentUpdateAction, { action: K }>;
  /** What must be true of the updated payment; a description of the gap otherwise. */
  verify: (payment: Payment) => string | undefined;
}

/**
 * One step per member of the SDK's PaymentUpdateAction union, in an order where each can
 * apply. The mapped type makes this exhaustive: when the SDK gains an action, the oracle
 * stops compiling until the action is covered here.
 */
type Steps = { [K in ActionName]: Step<K> };

const type = (key: string): TypeResourceIdentifier => ({ typeId: "type", key });
const last = (payment: Payment): Transaction =>
  payment.transactions[payment.transactions.length - 1];
const unless = (ok: boolean, gap: string): string | undefined => (ok ? undefined : gap);

const STEPS: Steps = {
  setKey: {
    build: () => ({ action: "setKey", key: "oracle-actions" }),
    verify: (p) => unless(p.key === "oracle-actions", "key not set"),
  },
  changeAmountPlanned: {
    build: () => ({ action: "changeAmountPlanned",
                    amount: { centAmount: 2500, currencyCode: "EUR" } }),
    verify: (p) => unless(p.amountPlanned.centAmount === 2500, "amountPlanned not changed"),
  },
  setAnonymousId: {
    build: () => ({ action: "setAnonymousId", anonymousId: "oracle-anonymous" }),
    verify: (p) => unless(p.anonymousId === "oracle-anonymous", "anonymousId not set"),
  },
  setCustomer: {
    build: () => ({ action: "setCustomer", customer: { typeId: "customer", key: "oracle" } }),
    verify: (p) => unless(p.customer?.typeId === "customer" && !!p.customer.id,
                          "customer is not a Reference with an id"),
  },
  setInterfaceId: {
    build: () => ({ action: "setInterfaceId", interfaceId: "psp-payment-1" }),
    verify: (p) => unless(p.interfaceId === "psp-payment-1", "interfaceId not set"),
  },
  setMethodInfoInterface: {
    build: () => ({ action: "setMethodInfoInterface", interface: "giftcard-oracle" }),
    verify: (p) => unless(p.paymentMethodInfo.paymentInterface === "giftcard-oracle",
                          "paymentInterface not set"),
  },
  setMethodInfoMethod: {
    build: () => ({ action: "setMethodInfoMethod", method: "voucher" }),
    verify: (p) => unless(p.paymentMethodInfo.method === "voucher", "method not set"),
  },
  setMethodInfoName: {
    build: () => ({ action: "setMethodInfoName", name: { en: "Gift card", de: "Gutschein" } }),
    verify: (p) => unless(p.paymentMethodInfo.name?.de === "Gutschein", "name not set"),
  },
  setMethodInfoToken: {
    build: () => ({ action: "setMethodInfoToken", token: { value: "token-1" } }),
    verify: (p) => unless(p.paymentMethodInfo.token?.value === "token-1", "token not set"),
  },
  setMethodInfoInterfaceAccount: {
    build: () => ({ action: "setMethodInfoInterfaceAccount", interfaceAccount: "account-1" }),
    verify: (p) => unless(p.paymentMethodInfo.interfaceAccount === "account-1",
                          "interfaceAccount not set"),
  },
  setMethodInfo: {
    build: () => ({ action: "setMethodInfo", method: "giftcard", interfaceAccount: "account-2" }),
    verify: (p) => unless(p.paymentMethodInfo.method === "giftcard"
                          && p.paymentMethodInfo.interfaceAccount === "account-2"
                          && p.paymentMethodInfo.token?.value === "token-1",
                          "setMethodInfo did not set exactly the fields it was given"),
  },
  setMethodInfoCustomType: {
    build: () => ({ action: "setMethodInfoCustomType", type: type("oracle-method"),
                    fields: { brand: "acme" } }),
    verify: (p) => unless(p.paymentMethodInfo.custom?.fields.brand === "acme",
                          "method info custom fields not set"),
  },
  setMethodInfoCustomField: {
    build: () => ({ action: "setMethodInfoCustomField", name: "brand", value: "other" }),
    verify: (p) => unless(p.paymentMethodInfo.custom?.fields.brand === "other",
                          "method info custom field not changed"),
  },
  setCustomType: {
    build: () => ({ action: "setCustomType", type: type("oracle-payment") }),
    verify: (p) => unless(p.custom?.type.typeId === "type" && !!p.custom.type.id,
                          "custom type is not a Reference with an id"),
  },
  setCustomField: {
    build: () => ({ action: "setCustomField", name: "orderRef", value: "o-1" }),
    verify: (p) => unless(p.custom?.fields.orderRef === "o-1", "custom field not set"),
  },
  setStatusInterfaceCode: {
    build: () => ({ action: "setStatusInterfaceCode", interfaceCode: "Valid" }),
    verify: (p) => unless(p.paymentStatus.interfaceCode === "Valid", "interfaceCode not set"),
  },
  setStatusInterfaceText: {
    build: () => ({ action: "setStatusInterfaceText", interfaceText: "accepted" }),
    verify: (p) => unless(p.paymentStatus.interfaceText === "accepted", "interfaceText not set"),
  },
  transitionState: {
    build: () => ({ action: "transitionState", state: { typeId: "state", key: "paid" },
                    force: true }),
    verify: (p) => unless(p.paymentStatus.state?.typeId === "state", "state not set"),
  },
  addInterfaceInteraction: {
    build: () => ({ action: "addInterfaceInteraction", type: type("oracle-log"),
                    fields: { message: "redeemed" } }),
    verify: (p) => unless(p.interfaceInteractions.length === 1
                          && p.interfaceInteractions[0].fields.message === "redeemed",
                          "interface interaction not added"),
  },
  addTransaction: {
    build: () => ({ action: "addTransaction", transaction: {
      type: "Charge", amount: { centAmount: 2500, currencyCode: "EUR" }, state: "Pending",
      interactionId: "redeem-1", interfaceId: "psp-tx-1", timestamp: "2026-01-01T12:00:00.000Z",
      custom: { type: type("oracle-transaction"), fields: { attempt: 1 } } } }),
    verify: (p) => unless(p.transactions.length === 1 && last(p).interfaceId === "psp-tx-1"
                          && last(p).custom?.fields.attempt === 1,
                          "the new transaction lost interfaceId or custom fields"),
  },
  changeTransactionInteractionId: {
    build: (p) => ({ action: "changeTransactionInteractionId", transactionId: last(p).id,
                     interactionId: "redeem-2" }),
    verify: (p) => unless(last(p).interactionId === "redeem-2", "interactionId not changed"),
  },
  changeTransactionTimestamp: {
    build: (p) => ({ action: "changeTransactionTimestamp", transactionId: last(p).id,
                     timestamp: "2026-01-02T08:30:00.000Z" }),
    verify: (p) => unless(last(p).timestamp === "2026-01-02T08:30:00.000Z",
                          "timestamp not changed"),
  },
  changeTransactionState: {
    build: (p) => ({ action: "changeTransactionState", transactionId: last(p).id,
                     state: "Success" }),
    verify: (p) => unless(last(p).state === "Success", "state not changed"),
  },
  setTransactionInterfaceId: {
    build: (p) => ({ action: "setTransactionInterfaceId", transactionId: last(p).id,
                     interfaceId: "psp-tx-2" }),
    verify: (p) => unless(last(p).interfaceId === "psp-tx-2", "interfaceId not changed"),
  },
  setTransactionCustomType: {
    build: (p) => ({ action: "setTransactionCustomType", transactionId: last(p).id,
                     type: type("oracle-transaction"), fields: { attempt: 2 } }),
    verify: (p) => unless(last(p).custom?.fields.attempt === 2, "custom type not replaced"),
  },
  setTransactionCustomField: {
    build: (p) => ({ action: "setTransactionCustomField", transactionId: last(p).id,
                     name: "attempt", value: 3 }),
    verify: (p) => unless(last(p).custom?.fields.attempt === 3, "custom field not set"),
  },
};

/** A payment from a draft with every PaymentDraft and TransactionDraft field. */
async function createFullPayment(oracle: Oracle): Promise<Payment> {
  const draft: PaymentDraft = {
    key: "oracle-full",
    customer: { typeId: "customer", id: "customer-1" },
    interfaceId: "psp-full-1",
    amountPlanned: { centAmount: 4000, currencyCode: "EUR" },
    paymentMethodInfo: {
      paymentInterface: "giftcard-oracle", method: "giftcard", name: { en: "Gift card" },
      token: { value: "token-0" }, interfaceAccount: "account-0",
      custom: { type: type("oracle-method"), fields: { brand: "acme" } },
    },
    paymentStatus: { interfaceCode: "Pending", interfaceText: "redeeming",
                     state: { typeId: "state", key: "open" } },
    transactions: [{
      type: "Charge", amount: { centAmount: 4000, currencyCode: "EUR" }, state: "Pending",
      interactionId: "redeem-0", interfaceId: "psp-tx-0", timestamp: "2026-01-01T10:00:00.000Z",
      custom: { type: type("oracle-transaction"), fields: { attempt: 0 } },
    }],
    interfaceInteractions: [{ type: type("oracle-log"), fields: { message: "created" } }],
    custom: { type: type("oracle-payment"), fields: { orderRef: "o-0" } },
  };
  const payment = await oracle.ok("POST /payments (every draft field)", "Payment",
                                  oracle.api.payments().post({ body: draft }).execute());
  const [charge] = payment.transactions;
  oracle.check("POST /payments", charge?.interfaceId === "psp-tx-0",
               "the draft transaction's interfaceId was not kept");
  oracle.check("POST /payments", payment.paymentMethodInfo.token?.value === "token-0"
               && payment.paymentStatus.state?.typeId === "state"
               && payment.interfaceInteractions.length === 1,
               "draft fields were dropped");
  return payment;
}

/** Every update action, one request each, on a payment that starts bare. */
async function everyAction(oracle: Oracle): Promise<Payment> {
  let payment = await oracle.ok("POST /payments (bare)", "Payment", oracle.api.payments().post({
    body: { amountPlanned: { centAmount: 2000, currencyCode: "EUR" },
            paymentMethodInfo: { method: "giftcard" } } }).execute());
  for (const name of Object.keys(STEPS) as ActionName[]) {
    const step = STEPS[name] as unknown as Step<ActionName>;
    const label = `POST /payments/{id} ${name}`;
    const before: Payment = payment;
    const updated = await oracle.attempt(label, () => oracle.ok(label, "Payment",
      oracle.api.payments().withId({ ID: before.id })
        .post({ body: { version: before.version, actions: [step.build(before)] } }).execute()));
    if (updated === undefined) continue;  // recorded; the next action starts from `before`
    oracle.check(label, updated.version === before.version + 1, "version did not step by one");
    const gap = step.verify(updated);
    if (gap !== undefined) oracle.problems.push(`${label}: ${gap}`);
    payment = updated;
  }
  return payment;
}

/** The SDK's read paths for payments: by id, by key, and queried by a transaction's interfaceId. */
async function readBack(oracle: Oracle, payment: Payment): Promise<void> {
  const byId = await oracle.ok("GET /payments/{id}", "Payment",
                               oracle.api.payments().withId({ ID: payment.id }).get().execute());
  oracle.check("GET /payments/{id}", byId.version === payment.version, "stale read");
  await oracle.ok("GET /payments/key={key}", "Payment",
                  oracle.api.payments().withKey({ key: "oracle-actions" }).get().execute());
  const found = await oracle.ok("GET /payments?where=transactions(interfaceId…)",
                                "PaymentPagedQueryResponse", oracle.api.payments().get({
    queryArgs: { where: 'transactions(interfaceId = "psp-tx-2")', withTotal: true } }).execute());
  oracle.check("GET /payments?where", found.total === 1 && found.results[0]?.id === payment.id,
               "a payment could not be found by its transaction's interfaceId");
}

export async function payments(oracle: Oracle): Promise<Payment | undefined> {
  await oracle.attempt("payment drafts", () => createFullPayment(oracle));
  const payment = await oracle.attempt("payment actions", () => everyAction(oracle));
  if (payment !== undefined) await oracle.attempt("payment reads", () => readBack(oracle, payment));
  return payment;
}
