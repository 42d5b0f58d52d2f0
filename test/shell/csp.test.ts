import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** Parses the CSP meta tag of the renderer's index.html into directive -> sources. */
function readCsp(): Map<string, string[]> {
  const html = readFileSync('src/renderer/index.html', 'utf8')
  const match = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)
  if (!match) throw new Error('index.html has no Content-Security-Policy meta tag')
  return new Map(
    match[1]
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources])
  )
}

describe('renderer Content-Security-Policy', () => {
  const csp = readCsp()

  it('denies by default', () => {
    expect(csp.get('default-src')).toEqual(["'none'"])
  })

  it('allows only our own scripts: no remote script, no eval, no inline', () => {
    expect(csp.get('script-src')).toEqual(["'self'"])
  })

  it('never allows unsafe-eval or unsafe-inline anywhere, nor remote hosts', () => {
    for (const [, sources] of csp) {
      expect(sources).not.toContain("'unsafe-eval'")
      expect(sources).not.toContain("'unsafe-inline'")
      for (const s of sources) expect(s).not.toMatch(/^(https?:|\*|wss?:)/)
    }
  })

  it('forbids plugins, frames and base-uri tricks', () => {
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('frame-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
  })

  it('has no inline script in the page', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc=/)
  })
})
