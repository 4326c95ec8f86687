// SDK clients for the emulator, and the record of every answer the oracle checks.

import {
  createApiBuilderFromCtpClient,
  type AuthErrorResponse,
  type ByProjectKeyRequestBuilder,
  type Cart,
  type CartPagedQueryResponse,
  type ErrorResponse,
  type Order,
  type OrderPagedQueryResponse,
  type Payment,
  type PaymentPagedQueryResponse,
} from "@commercetools/platform-sdk";
import { ClientBuilder, type Client, type ClientResponse } from "@commercetools/ts-client";

import type { CheckoutSession } from "./session";

/** The SDK type each recorded answer must satisfy, by name. */
export interface Answers {
  Cart: Cart;
  CartPagedQueryResponse: CartPagedQueryResponse;
  Payment: Payment;
  PaymentPagedQueryResponse: PaymentPagedQueryResponse;
  Order: Order;
  OrderPagedQueryResponse: OrderPagedQueryResponse;
  ErrorResponse: ErrorResponse;
  AuthErrorResponse: AuthErrorResponse;
  CheckoutSession: CheckoutSession;
}

export interface Answer {
  label: string;
  type: keyof Answers;
  body: unknown;
}

export interface Settings {
  url: string;
  projectKey: string;
  clientId: string;
  clientSecret: string;
}

export function settingsFromEnvironment(): Settings {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    url: read("CTP_API_URL"),
    projectKey: read("CTP_PROJECT_KEY"),
    clientId: read("CTP_CLIENT_ID"),
    clientSecret: read("CTP_CLIENT_SECRET"),
  };
}

interface Failure {
  statusCode: number;
  body: unknown;
  headers?: Record<string, unknown>;
}

/** One connection (an API client's credentials) plus the shared record of answers. */
export class Oracle {
  readonly api: ByProjectKeyRequestBuilder;
  readonly client: Client;
  readonly answers: Answer[];
  readonly problems: string[];
  private sent = "";
  private counter = 0;

  constructor(readonly settings: Settings, answers: Answer[] = [], problems: string[] = [],
              scopes?: string[]) {
    this.answers = answers;
    this.problems = problems;
    const { url, projectKey, clientId, clientSecret } = settings;
    this.client = new ClientBuilder()
      .withProjectKey(projectKey)
      .withClientCredentialsFlow({
        host: url, projectKey, credentials: { clientId, clientSecret }, scopes, httpClient: fetch,
      })
      .withCorrelationIdMiddleware({ generate: () => this.nextCorrelationId() })
      .withHttpMiddleware({ host: url, httpClient: fetch, includeResponseHeaders: true,
                            enableRetry: false })
      .build();
    this.api = createApiBuilderFromCtpClient(this.client).withProjectKey({ projectKey });
  }

  /** The same answers and problems, seen through another API client. */
  as(clientId: string, clientSecret: string): Oracle {
    return new Oracle({ ...this.settings, clientId, clientSecret }, this.answers, this.problems);
  }

  check(label: string, ok: boolean, what: string): void {
    if (!ok) this.problems.push(`${label}: ${what}`);
  }

  /**
   * Run one part of the scenario; if a request in it fails unexpectedly, record the gap and
   * go on with the next part, so that one run reports every gap, not only the first.
   */
  async attempt<T>(part: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      this.problems.push(`${part}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Await a request that must succeed, record its body as `type`, and return the body. */
  async ok<K extends keyof Answers>(label: string, type: K,
                                    request: Promise<ClientResponse<Answers[K]>>,
                                    ): Promise<Answers[K]> {
    let response: ClientResponse<Answers[K]>;
    try {
      response = await request;
    } catch (error) {
      const failure = error as Failure;
      throw new Error(`${label}: expected success, got ${failure.statusCode} `
                      + JSON.stringify(failure.body));
    }
    this.checkCorrelation(label, response.headers);
    if (response.body === undefined) throw new Error(`${label}: the answer has no body`);
    this.answers.push({ label, type, body: response.body });
    return response.body;
  }

  /** Await a request that must fail with `status`; record and return the error body. */
  async fails(label: string, status: number, request: Promise<unknown>): Promise<ErrorResponse> {
    try {
      await request;
    } catch (error) {
      const failure = error as Failure;
      this.check(label, failure.statusCode === status,
                 `expected ${status}, got ${failure.statusCode} ${JSON.stringify(failure.body)}`);
      this.checkCorrelation(label, failure.headers);
      const type = status === 401 || status === 403 ? "AuthErrorResponse" : "ErrorResponse";
      this.answers.push({ label, type, body: failure.body });
      return failure.body as ErrorResponse;
    }
    throw new Error(`${label}: expected ${status}, the request succeeded`);
  }

  /** A request the platform SDK has no builder for (the Checkout Sessions API). */
  send<T>(method: "GET" | "POST", uri: string, body?: object): Promise<ClientResponse<T>> {
    return this.client.execute({
      method, uri, body: body as Record<string, unknown> | undefined, headers: body === undefined ? {} : { "Content-Type": "application/json" },
    }) as Promise<ClientResponse<T>>;
  }

  private nextCorrelationId(): string {
    this.counter += 1;
    this.sent = `oracle-${this.settings.clientId}-${this.counter}`;
    return this.sent;
  }

  private checkCorrelation(label: string, headers: Record<string, unknown> | undefined): void {
    const echoed = headers?.["x-correlation-id"];
    this.check(label, echoed === this.sent,
               `X-Correlation-ID ${JSON.stringify(echoed)} is not the one sent (${this.sent})`);
  }
}

/** Deep equality of JSON values, for comparing an expanded `obj` with the resource itself. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort()
      .map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
