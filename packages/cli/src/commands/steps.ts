import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'

/** `edusync steps list`: the registered steps in their fixed execution order. */
export function stepsListCommand(ctx: CliContext, io: Io, asJson: boolean): number {
  const steps = ctx.runner.steps.map((step, index) => ({
    order: step.kind === 'separate' ? null : index + 1,
    name: step.name,
    kind: step.kind ?? 'ordered',
    description: step.description,
    options: step.options ?? {},
  }))
  if (asJson) io.out(json(steps))
  else {
    io.out(
      table(
        steps.map((s) => [s.order === null ? '-' : String(s.order), s.name, s.kind, s.description]),
        ['#', 'step', 'kind', 'description'],
      ),
    )
    // One line per option, naming the steps that understand it.
    const byOption = new Map<string, string[]>()
    for (const s of steps) {
      for (const [name, description] of Object.entries(s.options)) {
        // `full` has its own flag; every option can be given as `--option name=value`.
        const key = `${name === 'full' ? '--full' : `--option ${name}=...`}  ${description}`
        byOption.set(key, [...(byOption.get(key) ?? []), s.name])
      }
    }
    if (byOption.size > 0) {
      const lines = [...byOption].map(([option, names]) => `  ${option}\n      (${names.join(', ')})`)
      io.out(`\nstep options (edusync sync ...):\n${lines.join('\n')}`)
    }
    if (!ctx.config.zoho) io.out('\n(Zoho pull steps appear when Zoho is configured: ZOHO_CLIENT_ID, ...)')
  }
  return EXIT.ok
}
