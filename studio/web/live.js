// Live progress: one EventSource per open run. The browser resumes a dropped stream itself
// (it sends Last-Event-ID); a stream opened anew starts ?after= the last event seen, so old
// events are not replayed on top of the current state.

import { paths } from "./api.js";

const KINDS = ["status", "stage", "shot", "progress", "error", "film"];

let source = null;
let runId = null;
const lastSeen = new Map(); // run id -> last event id

/**
 * Follow `id`'s events, calling handlers[kind](data) for each. `onSettled()` is called when a
 * "status" event says the run may be waiting or finished; it answers true to stop listening
 * (it checks the run itself, because a replayed old "review" is not the run's present state).
 */
export function follow(id, handlers, onSettled) {
  if (source && runId === id && source.readyState !== EventSource.CLOSED) return;
  stop();
  runId = id;
  const es = new EventSource(paths.events(id, lastSeen.get(id)), { withCredentials: true });
  source = es;
  for (const kind of KINDS) {
    es.addEventListener(kind, async (event) => {
      // The run's "error" events share their name with EventSource's own connection errors;
      // only a MessageEvent carries data from the stream.
      if (!(event instanceof MessageEvent)) return;
      if (event.lastEventId) lastSeen.set(id, event.lastEventId);
      let data = {};
      try {
        data = JSON.parse(event.data || "{}");
      } catch {
        return; // a malformed event is skipped, the next one still counts
      }
      if (handlers[kind]) handlers[kind](data);
      if (kind === "status" && (await onSettled(data.status))) {
        if (source === es) stop();
      }
    });
  }
  es.addEventListener("error", async (event) => {
    if (event instanceof MessageEvent) return; // the run's own "error" event, handled above
    // CLOSED means the browser gave up (a 401/404 answer, not a dropped connection).
    if (es.readyState === EventSource.CLOSED && source === es) {
      stop();
      await onSettled(null);
    }
  });
}

export function stop() {
  if (source) source.close();
  source = null;
  runId = null;
}

export const following = () => runId;
