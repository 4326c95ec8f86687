// Every recorded answer, checked against the SDK's own types by the TypeScript compiler.
//
// Each answer becomes `export const answerN: <SdkType> = <the JSON it was>;` in one file
// that is compiled in strict mode. An object literal assigned to a declared type must have
// every required property and no property the type does not declare, at every depth, so
// a missing field (`shippingMode` on a Cart), an extra one, or a wrong type (a Reference
// without `id`, `null` for an optional field) is a compile error naming the answer.

import * as fs from "node:fs";
import * as path from "node:path";

import * as sdk from "@commercetools/platform-sdk";
import ts from "typescript";

import type { Answer } from "./harness";

const HEADER = `import type {
  AuthErrorResponse, Cart, CartPagedQueryResponse, ErrorResponse, Order,
  OrderPagedQueryResponse, Payment, PaymentPagedQueryResponse,
} from "@commercetools/platform-sdk";
import type { CheckoutSession } from "../src/session";
`;

export function typeErrors(answers: Answer[], directory: string): string[] {
  const file = path.join(directory, "answers.ts");
  let source = HEADER;
  const starts: number[] = [];  // the (0-based) line where each answer begins
  answers.forEach((answer, index) => {
    starts.push(source.split("\n").length - 1);
    source += `// ${answer.label}\nexport const answer${index}: ${answer.type} = `
              + `${JSON.stringify(answer.body, null, 2)};\n`;
  });
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    // The compiler spells out whole object types; the property names are what matter.
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ")
      .replace(/'\{[^']{40,}\}'/g, "'{…}'");
    if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const index = starts.filter((start) => start <= line).length - 1;
    const answer = answers[index];
    const where = answer ? `${answer.label} (${answer.type})` : path.basename(file);
    return `${where}, answers.ts:${line + 1}: ${text}`;
  });
}

// The SDK types its enumerations as "these values | any string", so the compiler accepts
// any string there; the SDK's runtime enums list the values, and they are checked here.
const ENUMS: Record<string, Array<[string, Record<string, string>]>> = {
  Cart: [
    ["cartState", sdk.CartStateValues], ["taxMode", sdk.TaxModeValues],
    ["priceRoundingMode", sdk.RoundingModeValues], ["taxRoundingMode", sdk.RoundingModeValues],
    ["taxCalculationMode", sdk.TaxCalculationModeValues],
    ["inventoryMode", sdk.InventoryModeValues], ["shippingMode", sdk.ShippingModeValues],
    ["origin", sdk.CartOriginValues],
    ["customLineItems.*.priceMode", sdk.CustomLineItemPriceModeValues],
  ],
  Payment: [
    ["transactions.*.type", sdk.TransactionTypeValues],
    ["transactions.*.state", sdk.TransactionStateValues],
  ],
  Order: [
    ["orderState", sdk.OrderStateValues], ["paymentState", sdk.PaymentStateValues],
    ["shipmentState", sdk.ShipmentStateValues], ["origin", sdk.CartOriginValues],
    ["shippingMode", sdk.ShippingModeValues], ["taxMode", sdk.TaxModeValues],
    ["customLineItems.*.priceMode", sdk.CustomLineItemPriceModeValues],
  ],
};
ENUMS.Cart.push(...ENUMS.Payment.map(([p, values]): [string, Record<string, string>] =>
  [`paymentInfo.payments.*.obj.${p}`, values]));
ENUMS.Order.push(...ENUMS.Payment.map(([p, values]): [string, Record<string, string>] =>
  [`paymentInfo.payments.*.obj.${p}`, values]));
for (const kind of ["Cart", "Payment", "Order"]) {
  ENUMS[`${kind}PagedQueryResponse`] = ENUMS[kind].map(([p, values]) => [`results.*.${p}`, values]);
}

function valuesAt(value: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return value === undefined ? [] : [value];
  if (value === null || typeof value !== "object") return [];
  const [head, ...rest] = parts;
  const children = head === "*" ? (Array.isArray(value) ? value : [])
    : [(value as Record<string, unknown>)[head]];
  return children.flatMap((child) => valuesAt(child, rest));
}

export function enumErrors(answers: Answer[]): string[] {
  const problems: string[] = [];
  for (const answer of answers) {
    for (const [field, values] of ENUMS[answer.type] ?? []) {
      for (const value of valuesAt(answer.body, field.split("."))) {
        if (!Object.values(values).includes(value as string)) {
          problems.push(`${answer.label} (${answer.type}): ${field} is ${JSON.stringify(value)}, `
                        + `not one of ${Object.values(values).join(", ")}`);
        }
      }
    }
  }
  return problems;
}
