// Texts of the gift card Enabler, per ISO 639-1 language, and money formatting.
//
// A locale such as "de-DE" or "de_AT" uses "de"; an unknown one uses English. Every key
// of `en` exists in every language (the test suite checks it), so nothing a shopper
// sees is ever left untranslated.

export const MESSAGES = {
  en: {
    "label.code": "Gift card code",
    "label.pin": "PIN",
    "label.pinOptional": "PIN (optional)",
    "status.checking": "Checking the balance…",
    "status.paying": "Processing the payment…",
    "balance.valid": "Balance: {amount}",
    "redeem.success": "{amount} paid with your gift card.",
    "error.codeRequired": "Enter your gift card code.",
    "error.pinRequired": "Enter the PIN of your gift card.",
    "error.network": "We could not reach the payment service. Check your connection and try again.",
    "error.session": "Your checkout session has expired. Please reload the page.",
    "error.amount": "This amount cannot be paid with the gift card.",
    "error.unexpected": "Something went wrong. Please try again.",
    "error.earlierPending": "An earlier gift card payment is still being cancelled. Please try again in a moment.",
    "error.tooManyAttempts": "Too many gift cards were tried for this order. Please choose another payment method.",
    "error.rateLimited": "Too many attempts. Please wait a few minutes and try again.",
    "state.NotFound": "We could not find this gift card. Check the code and try again.",
    "state.Expired": "This gift card has expired.",
    "state.ZeroBalance": "This gift card has no balance left.",
    "state.CurrencyNotMatch": "This gift card cannot be used in this currency.",
    "state.Invalid": "This gift card cannot be used. Check the code and try again.",
    "state.InvalidWithPin": "This gift card cannot be used. Check the code and the PIN and try again.",
    "state.InvalidNoPin": "This gift card cannot be used. Check the code, and enter the PIN if your card has one.",
    "state.GenericError": "Gift cards cannot be checked right now. Please try again later.",
  },
  de: {
    "label.code": "Gutscheincode",
    "label.pin": "PIN",
    "label.pinOptional": "PIN (optional)",
    "status.checking": "Guthaben wird geprüft…",
    "status.paying": "Zahlung wird verarbeitet…",
    "balance.valid": "Guthaben: {amount}",
    "redeem.success": "{amount} mit Ihrem Gutschein bezahlt.",
    "error.codeRequired": "Geben Sie Ihren Gutscheincode ein.",
    "error.pinRequired": "Geben Sie die PIN Ihres Gutscheins ein.",
    "error.network": "Der Zahlungsdienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    "error.session": "Ihre Checkout-Sitzung ist abgelaufen. Bitte laden Sie die Seite neu.",
    "error.amount": "Dieser Betrag kann nicht mit dem Gutschein bezahlt werden.",
    "error.unexpected": "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    "error.earlierPending": "Eine frühere Gutscheinzahlung wird noch storniert. Bitte versuchen Sie es gleich noch einmal.",
    "error.tooManyAttempts": "Für diese Bestellung wurden zu viele Gutscheine versucht. Bitte wählen Sie eine andere Zahlungsart.",
    "error.rateLimited": "Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
    "state.NotFound": "Dieser Gutschein wurde nicht gefunden. Prüfen Sie den Code und versuchen Sie es erneut.",
    "state.Expired": "Dieser Gutschein ist abgelaufen.",
    "state.ZeroBalance": "Dieser Gutschein hat kein Guthaben mehr.",
    "state.CurrencyNotMatch": "Dieser Gutschein kann in dieser Währung nicht verwendet werden.",
    "state.Invalid": "Dieser Gutschein kann nicht verwendet werden. Prüfen Sie den Code und versuchen Sie es erneut.",
    "state.InvalidWithPin": "Dieser Gutschein kann nicht verwendet werden. Prüfen Sie den Code und die PIN und versuchen Sie es erneut.",
    "state.InvalidNoPin": "Dieser Gutschein kann nicht verwendet werden. Prüfen Sie den Code und geben Sie die PIN ein, falls Ihr Gutschein eine hat.",
    "state.GenericError": "Gutscheine können gerade nicht geprüft werden. Bitte versuchen Sie es später erneut.",
  },
  fr: {
    "label.code": "Code de la carte cadeau",
    "label.pin": "Code PIN",
    "label.pinOptional": "Code PIN (facultatif)",
    "status.checking": "Vérification du solde…",
    "status.paying": "Paiement en cours…",
    "balance.valid": "Solde : {amount}",
    "redeem.success": "{amount} payés avec votre carte cadeau.",
    "error.codeRequired": "Saisissez le code de votre carte cadeau.",
    "error.pinRequired": "Saisissez le code PIN de votre carte cadeau.",
    "error.network": "Le service de paiement est injoignable. Vérifiez votre connexion et réessayez.",
    "error.session": "Votre session de paiement a expiré. Veuillez recharger la page.",
    "error.amount": "Ce montant ne peut pas être payé avec la carte cadeau.",
    "error.unexpected": "Une erreur s’est produite. Veuillez réessayer.",
    "error.earlierPending": "Un paiement précédent par carte cadeau est en cours d’annulation. Veuillez réessayer dans un instant.",
    "error.tooManyAttempts": "Trop de cartes cadeaux ont été essayées pour cette commande. Veuillez choisir un autre moyen de paiement.",
    "error.rateLimited": "Trop de tentatives. Veuillez patienter quelques minutes avant de réessayer.",
    "state.NotFound": "Cette carte cadeau est introuvable. Vérifiez le code et réessayez.",
    "state.Expired": "Cette carte cadeau a expiré.",
    "state.ZeroBalance": "Cette carte cadeau n’a plus de solde.",
    "state.CurrencyNotMatch": "Cette carte cadeau ne peut pas être utilisée dans cette devise.",
    "state.Invalid": "Cette carte cadeau ne peut pas être utilisée. Vérifiez le code et réessayez.",
    "state.InvalidWithPin": "Cette carte cadeau ne peut pas être utilisée. Vérifiez le code et le code PIN, puis réessayez.",
    "state.InvalidNoPin": "Cette carte cadeau ne peut pas être utilisée. Vérifiez le code et saisissez le code PIN si votre carte en possède un.",
    "state.GenericError": "Les cartes cadeaux ne peuvent pas être vérifiées pour le moment. Veuillez réessayer plus tard.",
  },
  nl: {
    "label.code": "Cadeaukaartcode",
    "label.pin": "Pincode",
    "label.pinOptional": "Pincode (optioneel)",
    "status.checking": "Saldo wordt gecontroleerd…",
    "status.paying": "Betaling wordt verwerkt…",
    "balance.valid": "Saldo: {amount}",
    "redeem.success": "{amount} betaald met je cadeaukaart.",
    "error.codeRequired": "Vul de code van je cadeaukaart in.",
    "error.pinRequired": "Vul de pincode van je cadeaukaart in.",
    "error.network": "De betaaldienst is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.",
    "error.session": "Je afrekensessie is verlopen. Laad de pagina opnieuw.",
    "error.amount": "Dit bedrag kan niet met de cadeaukaart worden betaald.",
    "error.unexpected": "Er ging iets mis. Probeer het opnieuw.",
    "error.earlierPending": "Een eerdere cadeaukaartbetaling wordt nog geannuleerd. Probeer het zo opnieuw.",
    "error.tooManyAttempts": "Er zijn te veel cadeaukaarten geprobeerd voor deze bestelling. Kies een andere betaalmethode.",
    "error.rateLimited": "Te veel pogingen. Wacht een paar minuten en probeer het dan opnieuw.",
    "state.NotFound": "Deze cadeaukaart is niet gevonden. Controleer de code en probeer het opnieuw.",
    "state.Expired": "Deze cadeaukaart is verlopen.",
    "state.ZeroBalance": "Deze cadeaukaart heeft geen saldo meer.",
    "state.CurrencyNotMatch": "Deze cadeaukaart kan niet in deze valuta worden gebruikt.",
    "state.Invalid": "Deze cadeaukaart kan niet worden gebruikt. Controleer de code en probeer het opnieuw.",
    "state.InvalidWithPin": "Deze cadeaukaart kan niet worden gebruikt. Controleer de code en de pincode en probeer het opnieuw.",
    "state.InvalidNoPin": "Deze cadeaukaart kan niet worden gebruikt. Controleer de code en vul de pincode in als je kaart er een heeft.",
    "state.GenericError": "Cadeaukaarten kunnen nu niet worden gecontroleerd. Probeer het later opnieuw.",
  },
  cs: {
    "label.code": "Kód dárkové karty",
    "label.pin": "PIN",
    "label.pinOptional": "PIN (nepovinné)",
    "status.checking": "Ověřujeme zůstatek…",
    "status.paying": "Zpracováváme platbu…",
    "balance.valid": "Zůstatek: {amount}",
    "redeem.success": "Dárkovou kartou zaplaceno {amount}.",
    "error.codeRequired": "Zadejte kód dárkové karty.",
    "error.pinRequired": "Zadejte PIN dárkové karty.",
    "error.network": "Platební službu se nepodařilo kontaktovat. Zkontrolujte připojení a zkuste to znovu.",
    "error.session": "Platnost relace pokladny vypršela. Načtěte prosím stránku znovu.",
    "error.amount": "Tuto částku nelze dárkovou kartou zaplatit.",
    "error.unexpected": "Něco se pokazilo. Zkuste to prosím znovu.",
    "error.earlierPending": "Předchozí platba dárkovou kartou se ještě ruší. Zkuste to prosím za chvíli znovu.",
    "error.tooManyAttempts": "Pro tuto objednávku bylo vyzkoušeno příliš mnoho dárkových karet. Zvolte prosím jiný způsob platby.",
    "error.rateLimited": "Příliš mnoho pokusů. Počkejte prosím několik minut a zkuste to znovu.",
    "state.NotFound": "Tuto dárkovou kartu jsme nenašli. Zkontrolujte kód a zkuste to znovu.",
    "state.Expired": "Platnost této dárkové karty vypršela.",
    "state.ZeroBalance": "Na této dárkové kartě nezbývá žádný zůstatek.",
    "state.CurrencyNotMatch": "Tuto dárkovou kartu nelze v této měně použít.",
    "state.Invalid": "Tuto dárkovou kartu nelze použít. Zkontrolujte kód a zkuste to znovu.",
    "state.InvalidWithPin": "Tuto dárkovou kartu nelze použít. Zkontrolujte kód a PIN a zkuste to znovu.",
    "state.InvalidNoPin": "Tuto dárkovou kartu nelze použít. Zkontrolujte kód a zadejte PIN, pokud ho vaše karta má.",
    "state.GenericError": "Dárkové karty teď nelze ověřit. Zkuste to prosím později.",
  },
  es: {
    "label.code": "Código de la tarjeta regalo",
    "label.pin": "PIN",
    "label.pinOptional": "PIN (opcional)",
    "status.checking": "Comprobando el saldo…",
    "status.paying": "Procesando el pago…",
    "balance.valid": "Saldo: {amount}",
    "redeem.success": "{amount} pagados con tu tarjeta regalo.",
    "error.codeRequired": "Introduce el código de tu tarjeta regalo.",
    "error.pinRequired": "Introduce el PIN de tu tarjeta regalo.",
    "error.network": "No se ha podido contactar con el servicio de pago. Comprueba tu conexión e inténtalo de nuevo.",
    "error.session": "Tu sesión de pago ha caducado. Vuelve a cargar la página.",
    "error.amount": "Este importe no se puede pagar con la tarjeta regalo.",
    "error.unexpected": "Algo ha salido mal. Inténtalo de nuevo.",
    "error.earlierPending": "Un pago anterior con tarjeta regalo todavía se está cancelando. Inténtalo de nuevo en un momento.",
    "error.tooManyAttempts": "Se han probado demasiadas tarjetas regalo para este pedido. Elige otro método de pago.",
    "error.rateLimited": "Demasiados intentos. Espera unos minutos e inténtalo de nuevo.",
    "state.NotFound": "No hemos encontrado esta tarjeta regalo. Comprueba el código e inténtalo de nuevo.",
    "state.Expired": "Esta tarjeta regalo ha caducado.",
    "state.ZeroBalance": "Esta tarjeta regalo no tiene saldo.",
    "state.CurrencyNotMatch": "Esta tarjeta regalo no se puede usar en esta moneda.",
    "state.Invalid": "Esta tarjeta regalo no se puede usar. Comprueba el código e inténtalo de nuevo.",
    "state.InvalidWithPin": "Esta tarjeta regalo no se puede usar. Comprueba el código y el PIN e inténtalo de nuevo.",
    "state.InvalidNoPin": "Esta tarjeta regalo no se puede usar. Comprueba el código e introduce el PIN si tu tarjeta tiene uno.",
    "state.GenericError": "Ahora mismo no se pueden comprobar las tarjetas regalo. Inténtalo más tarde.",
  },
};

export const DEFAULT_LANGUAGE = "en";
export const LANGUAGES = Object.freeze(Object.keys(MESSAGES));

/** The language to use for `locale` ("de-DE" → "de", "pt-BR" → "en"). */
export function resolveLanguage(locale, languages = LANGUAGES) {
  const primary = String(locale ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return languages.includes(primary) ? primary : DEFAULT_LANGUAGE;
}

/**
 * A `t(key, params)` function for `locale`. `overrides` ({language: {key: text}}) win
 * over the built-in texts, for a shop's or provider's own wording, and may add
 * languages; `{name}` placeholders are filled from `params`. A key nobody knows is
 * returned as is, so a mistake is visible, not blank.
 */
export function translator(locale, overrides = {}) {
  const languages = [...new Set([...LANGUAGES, ...Object.keys(overrides || {})])];
  const language = resolveLanguage(locale, languages);
  const texts = {
    ...MESSAGES[DEFAULT_LANGUAGE],
    ...(overrides?.[DEFAULT_LANGUAGE] || {}),
    ...(MESSAGES[language] || {}),
    ...(overrides?.[language] || {}),
  };
  const t = (key, params = {}) =>
    String(texts[key] ?? key).replace(/\{(\w+)\}/g, (match, name) =>
      name in params ? String(params[name]) : match,
    );
  t.language = language;
  return t;
}

/**
 * `{centAmount, currencyCode, fractionDigits?}` as the shopper reads it in `language`,
 * e.g. "50,00 €" in German. Minor units are divided as a string, never with float
 * arithmetic; the currency's usual number of digits is used unless the amount says.
 */
export function formatMoney(amount, language) {
  const currency = String(amount.currencyCode).toUpperCase();
  let format = new Intl.NumberFormat(language, { style: "currency", currency });
  const digits = Number.isInteger(amount.fractionDigits)
    ? amount.fractionDigits
    : format.resolvedOptions().maximumFractionDigits;
  const cents = BigInt(amount.centAmount);
  const negative = cents < 0n;
  const padded = (negative ? -cents : cents).toString().padStart(digits + 1, "0");
  const major = padded.slice(0, padded.length - digits) || "0";
  const minor = padded.slice(padded.length - digits);
  const decimal = `${negative ? "-" : ""}${major}${digits ? "." + minor : ""}`;
  if (format.resolvedOptions().maximumFractionDigits !== digits) {
    format = new Intl.NumberFormat(language, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }
  // Intl accepts a decimal string exactly (no binary rounding) in current browsers.
  return format.format(decimal);
}
