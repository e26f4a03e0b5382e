import type { StepEvent } from '@edusync/core/steps'
import cliProgress from 'cli-progress'
import type { Io } from './output.ts'

/**
 * Shows step progress on stderr: a bar per step with counts and rate on a terminal (cli-progress), and a
 * line per step start and end otherwise (logs, CI), so stdout stays clean for `--json`.
 */
export function progressReporter(io: Io): { onEvent: (event: StepEvent) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined
  let started = 0
  let lastLine = 0
  const stopBar = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    onEvent(event) {
      if (event.type === 'start') {
        started = Date.now()
        if (io.interactive) {
          bar = new cliProgress.SingleBar(
            {
              format: `{step} [{bar}] {value} records | {rate}/s {message}`,
              stream: process.stderr,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          )
          bar.start(0, 0, { step: event.step, rate: '0', message: '' })
        } else io.err(`step ${event.index + 1}/${event.of} ${event.step}: started`)
      } else if (event.type === 'progress') {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000)
        const rate = Math.round(event.done / seconds).toString()
        if (bar) {
          bar.setTotal(Math.max(event.total ?? event.done, event.done))
          bar.update(event.done, { step: event.step, rate, message: event.message ?? '' })
        } else if (Date.now() - lastLine >= 1000) {
          // Without a terminal: a line at most every second, with the counts so far and the rate.
          lastLine = Date.now()
          io.err(
            `${event.step}: ${event.done} records${event.message ? ` (${event.message})` : ''}, ${rate}/s`,
          )
        }
      } else {
        stopBar()
        const { outcome } = event
        const c = outcome.counts
        const counts = c
          ? ` (${c.total} records: ${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.invalid} invalid, ${c.deferred} deferred, ${c.error} error)`
          : ''
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        io.err(
          `${outcome.step}: ${outcome.status} in ${seconds} s${counts}${outcome.error ? `: ${outcome.error}` : ''}`,
        )
      }
    },
    stop: stopBar,
  }
}
