import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root; no background networking,
 * which the closed network would refuse), and a page with the suite's viewport and timeout.
 */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  return { browser, page };
}

/** Clicks a node's id line on the canvas and waits until the inspector shows that node. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.step-node-id').click();
  try {
    await page
      .getByTestId('node-id')
      .filter({ hasText: new RegExp(`^${id}$`) })
      .waitFor();
  } catch (error) {
    // What the page showed instead, for whoever reads the failure.
    const artifacts = resolve(import.meta.dirname, '../artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: resolve(artifacts, `select-${id}-failed.png`) });
    throw error;
  }
}

/**
 * The text of a form field: the value of an <input>, <textarea> or <select>, or the lines of a CodeMirror editor's
 * contenteditable (where `inputValue()` does not work).  An empty editor shows its placeholder, which is not text.
 */
export async function fieldValue(field: Locator): Promise<string> {
  if ((await field.getAttribute('contenteditable')) === null) return field.inputValue();
  if ((await field.locator('.cm-placeholder').count()) > 0) return '';
  return (await field.locator(':scope > .cm-line').allTextContents()).join('\n');
}
