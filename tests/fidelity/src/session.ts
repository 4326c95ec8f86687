// The Checkout Sessions API is not part of @commercetools/platform-sdk; these types follow
// the commercetools Checkout documentation ("Create Checkout Sessions"), so a session answer
// is checked the same way as every other answer: missing or unknown fields fail to compile.

export interface CheckoutSessionDraft {
  readonly cart: { readonly cartRef: { readonly id: string } };
  readonly metadata?: CheckoutSessionMetadata;
}

export interface CheckoutSessionMetadata {
  readonly processorUrl?: string;
  readonly paymentInterface?: string;
  readonly allowedPaymentMethods?: string[];
  readonly correlationId?: string;
}

export interface CheckoutSession {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly lastModifiedAt: string;
  readonly expiryAt: string;
  readonly state: "ACTIVE" | "EXPIRED";
  readonly activeCart: { readonly cartRef: { readonly id: string } };
  readonly customer?: {
    readonly customerRef?: { readonly id: string };
    readonly anonymousId?: string;
  };
  readonly metadata: CheckoutSessionMetadata;
}
