import { afterAll, beforeAll } from "bun:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/chromium.ts";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";

interface DocsFixture {
  /** Set in beforeAll. */
  gateway: GatewayProcess;
  browser: Browser;
  dataDir: string;
}

/** A gateway with default settings and a Chromium to open its docs in, for the whole file. */
export function useDocsGateway(): DocsFixture {
  const data = makeTempDir();
  const fixture = { dataDir: data.path } as DocsFixture;
  beforeAll(async () => {
    fixture.gateway = await spawnGateway({ args: [`--data-dir=${data.path}`] });
    fixture.browser = await launchChromium();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.gateway?.stop();
    data.remove();
  });
  return fixture;
}
