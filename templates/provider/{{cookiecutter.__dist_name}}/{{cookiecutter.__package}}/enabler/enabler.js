// The {{ cookiecutter.provider_name }} Enabler: giftcard-connect's base Enabler with this provider's texts and
// card number check.
//
// The plugin's giftcard_enabler_directory hook has the processor serve this directory at
// /enabler/provider/, so commercetools Checkout loads {processorUrl}/enabler/provider/enabler.js
// and "../enabler.js" below is the base Enabler of the same processor. Change what the
// shopper sees here; the balance and redeem logic (idempotency, one request in flight)
// stays in the base classes. What a subclass may override: the framework's docs/enabler.md.

import { Enabler as BaseEnabler, GiftCardComponent } from "../enabler.js";

export const PROVIDER = "{{ cookiecutter.provider_slug }}";

// Adapt: the format of the provider's card numbers (the example API's have 16 digits).
export const CARD_NUMBER = /^\d{16}$/;

// Texts for every language of the base Enabler (keys as in its i18n.js).
export const MESSAGES = {
  en: {
    "label.code": "{{ cookiecutter.provider_name }} card number",
    "error.codeFormat": "{{ cookiecutter.provider_name }} card numbers have 16 digits.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "PIN (on the back of your card)",
    "label.pinOptional": "PIN, if your card has one",
{%- endif %}
  },
  de: {
    "label.code": "{{ cookiecutter.provider_name }} Kartennummer",
    "error.codeFormat": "{{ cookiecutter.provider_name }} Kartennummern haben 16 Ziffern.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "PIN (auf der Rückseite Ihrer Karte)",
    "label.pinOptional": "PIN, falls Ihre Karte eine hat",
{%- endif %}
  },
  fr: {
    "label.code": "Numéro de carte {{ cookiecutter.provider_name }}",
    "error.codeFormat": "Les numéros de carte {{ cookiecutter.provider_name }} comportent 16 chiffres.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "Code PIN (au dos de votre carte)",
    "label.pinOptional": "Code PIN, si votre carte en a un",
{%- endif %}
  },
  nl: {
    "label.code": "{{ cookiecutter.provider_name }} kaartnummer",
    "error.codeFormat": "{{ cookiecutter.provider_name }} kaartnummers hebben 16 cijfers.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "Pincode (op de achterkant van uw kaart)",
    "label.pinOptional": "Pincode, als uw kaart er een heeft",
{%- endif %}
  },
  cs: {
    "label.code": "Číslo karty {{ cookiecutter.provider_name }}",
    "error.codeFormat": "Čísla karet {{ cookiecutter.provider_name }} mají 16 číslic.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "PIN (na zadní straně karty)",
    "label.pinOptional": "PIN, pokud ho vaše karta má",
{%- endif %}
  },
  es: {
    "label.code": "Número de tarjeta {{ cookiecutter.provider_name }}",
    "error.codeFormat": "Los números de tarjeta {{ cookiecutter.provider_name }} tienen 16 dígitos.",
{%- if cookiecutter.pin != "none" %}
    "label.pin": "PIN (en el reverso de su tarjeta)",
    "label.pinOptional": "PIN, si su tarjeta tiene uno",
{%- endif %}
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
