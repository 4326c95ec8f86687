// commercetools' own TypeScript SDK as the oracle for the local emulator.
//
// The SDK's request builders drive the emulator through carts, Checkout sessions, payments
// (every update action), orders and failure paths; behaviour is checked as the requests go,
// and every answer is then compiled against the SDK's types (see typecheck.ts). Exit code 0
// means no gap was found. Started by run.py, which starts the emulator and sets CTP_*.

import * as path from "node:path";

import type { Payment } from "@commercetools/platform-sdk";

import { checkoutSession, createCart, payTheCart, readCart } from "./carts";
import { lookupFailures, orderFailures, paymentFailures } from "./errors";
import { Oracle, settingsFromEnvironment } from "./harness";
import { orderTheCart } from "./orders";
import { payments } from "./payments";
import { enumErrors, typeErrors } from "./typecheck";

/** A small paid payment to attach to the cart beside the one every action ran on. */
async function paidPayment(oracle: Oracle): Promise<Payment> {
  return oracle.ok("POST /payments (for the cart)", "Payment", oracle.api.payments().post({
    body: {
      amountPlanned: { centAmount: 1000, currencyCode: "EUR" },
      paymentMethodInfo: { paymentInterface: "giftcard-oracle", method: "giftcard" },
      transactions: [{ type: "Charge", amount: { centAmount: 1000, currencyCode: "EUR" },
                       state: "Success", interfaceId: "psp-small" }],
    } }).execute());
}

async function main(): Promise<number> {
  const oracle = new Oracle(settingsFromEnvironment());
  const cart = await oracle.attempt("carts", () => createCart(oracle));
  const payment = await payments(oracle);
  const small = await oracle.attempt("payments", () => paidPayment(oracle));
  if (cart === undefined) {
    oracle.problems.push("sessions, cart payments, orders: not run, no cart was created");
  } else {
    await oracle.attempt("cart reads", () => readCart(oracle, cart));
    await oracle.attempt("checkout sessions", () => checkoutSession(oracle, cart));
    const attached = [payment, small].filter((p): p is Payment => p !== undefined);
    const paid = await oracle.attempt("cart payments", () => payTheCart(oracle, cart, attached));
    const order = await oracle.attempt("orders", () => orderTheCart(oracle, paid ?? cart));
    const ordered = await oracle.api.carts().withId({ ID: cart.id }).get().execute();
    if (order !== undefined) await orderFailures(oracle, ordered.body);
  }
  if (payment !== undefined) await paymentFailures(oracle, payment);
  await lookupFailures(oracle);

  const problems = [...oracle.problems, ...enumErrors(oracle.answers),
                    ...typeErrors(oracle.answers, __dirname)];
  for (const problem of problems) console.error(`GAP ${problem}`);
  const checked = `${oracle.answers.length} answers of ${new Set(oracle.answers.map((a) => a.type))
    .size} kinds compiled against @commercetools/platform-sdk (${path.join(__dirname,
    "answers.ts")})`;
  console.log(problems.length === 0 ? `fidelity: OK, ${checked}`
              : `fidelity: ${problems.length} gap(s); ${checked}`);
  return problems.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`fidelity: the run stopped: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 2;
});
