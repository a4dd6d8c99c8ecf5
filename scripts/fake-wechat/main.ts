import { startFakeWechat } from './server';

/** Runs the fake WeChat API on FAKE_WECHAT_PORT (default 3901) until stopped. */
async function main() {
  const port = Number(process.env.FAKE_WECHAT_PORT ?? 3901);
  // FAKE_WECHAT_SEND_DELAY_MS: answer subscribe sends late, to try the outbox against a slow WeChat.
  const fake = await startFakeWechat({ port, sendDelayMs: Number(process.env.FAKE_WECHAT_SEND_DELAY_MS ?? 0) });
  console.log(`Fake WeChat API on ${fake.url}`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
