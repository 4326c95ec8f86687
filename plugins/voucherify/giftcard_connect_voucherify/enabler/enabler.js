// The Voucherify Enabler: giftcard-connect's base Enabler with this provider's texts and
// card number check.
//
// The plugin's giftcard_enabler_directory hook has the processor serve this directory at
// /enabler/provider/, so commercetools Checkout loads {processorUrl}/enabler/provider/enabler.js
// and "../enabler.js" below is the base Enabler of the same processor. Change what the
// shopper sees here; the balance and redeem logic (idempotency, one request in flight)
// stays in the base classes. What a subclass may override: the framework's docs/enabler.md.

import { Enabler as BaseEnabler, GiftCardComponent } from "../enabler.js";

export const PROVIDER = "voucherify";

// Adapt: the format of the provider's card numbers (the example API's have 16 digits).
export const CARD_NUMBER = /^\d{16}$/;

// Texts for every language of the base Enabler (keys as in its i18n.js).
export const MESSAGES = {
  en: {
    "label.code": "Voucherify card number",
    "error.codeFormat": "Voucherify card numbers have 16 digits.",
  },
  de: {
    "label.code": "Voucherify Kartennummer",
    "error.codeFormat": "Voucherify Kartennummern haben 16 Ziffern.",
  },
  fr: {
    "label.code": "Numéro de carte Voucherify",
    "error.codeFormat": "Les numéros de carte Voucherify comportent 16 chiffres.",
  },
  nl: {
    "label.code": "Voucherify kaartnummer",
    "error.codeFormat": "Voucherify kaartnummers hebben 16 cijfers.",
  },
  cs: {
    "label.code": "Číslo karty Voucherify",
    "error.codeFormat": "Čísla karet Voucherify mají 16 číslic.",
  },
  es: {
    "label.code": "Número de tarjeta Voucherify",
    "error.codeFormat": "Los números de tarjeta Voucherify tienen 16 dígitos.",
  },
};

/** The base gift card fields, marked with the provider, with a card number check. */
export class ProviderGiftCard extends GiftCardComponent {
  render() {
    const root = super.render();
    root.dataset.provider = PROVIDER;
    this.fields.code.input.inputMode = "numeric";
    return root;
  }

  validate(card) {
    if (card.code && !CARD_NUMBER.test(card.code)) return this.invalid("code", "error.codeFormat");
    return super.validate(card);
  }
}

/** What Checkout creates: the base Enabler with this provider's texts and fields. */
export class Enabler extends BaseEnabler {
  constructor(options = {}) {
    const messages = { ...options.messages };
    for (const [language, texts] of Object.entries(MESSAGES)) {
      messages[language] = { ...texts, ...messages[language] };
    }
    super({ ...options, messages });
  }

  createComponent(options) {
    return new ProviderGiftCard(this, options);
  }
}
