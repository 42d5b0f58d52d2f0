/**
 * Child process for v8-tuning.test.ts: with argv[2] === 'tuned' it applies the CLI's V8 flags first, then
 * compiles a small WebAssembly function (as undici compiles its HTTP parser), calls it hot until V8 has
 * re-compiled it with TurboFan or argv[3] ms have passed, and prints which tier it runs in and when, as JSON.
 */
import { setFlagsFromString } from 'node:v8'
import { V8_FLAGS } from '../../src/main/cli/v8-tuning'

if (process.argv[2] === 'tuned') for (const flag of V8_FLAGS) setFlagsFromString(flag)
setFlagsFromString('--allow-natives-syntax')

// (module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0,
  32, 0, 65, 1, 106, 11
])
// The node typings here carry no DOM library, where WebAssembly's constructors are declared.
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (b: Uint8Array) => object
      Instance: new (m: object) => { exports: Record<string, unknown> }
    }
  }
).WebAssembly
const f = new wasm.Instance(new wasm.Module(bytes)).exports.f as (x: number) => number
const isTurboFan = new Function('f', 'return %IsTurboFanFunction(f)') as (f: unknown) => boolean
const isLiftoff = new Function('f', 'return %IsLiftoffFunction(f)') as (f: unknown) => boolean

const started = Date.now()
const until = started + Number(process.argv[3])
let x = 0
const round = (): void => {
  for (let i = 0; i < 1_000_000; i++) x = f(x)
  if (!isTurboFan(f) && Date.now() < until) setTimeout(round, 20)
  else
    process.stdout.write(
      JSON.stringify({ turboFan: isTurboFan(f), liftoff: isLiftoff(f), ms: Date.now() - started, calls: x })
    )
}
round()
