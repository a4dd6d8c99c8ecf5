import { useCallback, useEffect, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { completeTask, startTask } from '../../api/tasks';
import { ApiError } from '../../api/errors';
import { readJson, writeJson } from '../../api/storage';
import { toastError } from '../../utils/feedback';

/** The browse in progress survives leaving this page for the mall (a tab page closes this one). */
const BROWSE_KEY = 'hy.task.browse';

interface Browse {
  code: string;
  token: string;
  /** Local time when the server's minimum should have passed; the server's clock still decides. */
  readyAt: number;
}

const secondsLeft = (b: Browse | null) => (b ? Math.max(0, Math.ceil((b.readyAt - Date.now()) / 1000)) : 0);

/**
 * A browse task: start (the server signs its own time), go to the target, count
 * down, then complete with the token. Completion runs by itself when the count
 * reaches zero while this page is shown; "too early" from the server resets the
 * count to the server's seconds left.
 */
export function useBrowse(today: string, onDone: (points: number, replayed: boolean) => void) {
  const [browse, setBrowse] = useState<Browse | null>(() => readJson<Browse>(BROWSE_KEY));
  const [left, setLeft] = useState(() => secondsLeft(browse));
  const [completing, setCompleting] = useState(false);

  const save = (b: Browse | null) => {
    if (b) writeJson(BROWSE_KEY, b);
    else Taro.removeStorageSync(BROWSE_KEY);
    setBrowse(b);
    setLeft(secondsLeft(b));
  };

  const start = async (code: string, go: () => void) => {
    try {
      const s = await startTask(code);
      save({ code, token: s.token, readyAt: Date.now() + s.minSeconds * 1000 });
      go();
    } catch (e) {
      toastError(e);
    }
  };

  const finish = useCallback(async () => {
    if (!browse || completing) return;
    setCompleting(true);
    try {
      const r = await completeTask(browse.code, today, browse.token);
      save(null);
      onDone(r.points, r.replayed);
    } catch (e) {
      const err = e as ApiError;
      const wait = (err.details as { secondsLeft?: number } | undefined)?.secondsLeft;
      if (err instanceof ApiError && err.code === 'TASK_TOO_EARLY' && wait)
        save({ ...browse, readyAt: Date.now() + wait * 1000 });
      else {
        save(null);
        toastError(e);
      }
    } finally {
      setCompleting(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [browse, completing, today]);

  useDidShow(() => setLeft(secondsLeft(browse)));

  useEffect(() => {
    if (!browse) return;
    if (left === 0) {
      void finish();
      return;
    }
    const timer = setTimeout(() => setLeft(secondsLeft(browse)), 1000);
    return () => clearTimeout(timer);
  }, [browse, left, finish]);

  return { browsing: browse?.code ?? null, left, completing, start };
}
