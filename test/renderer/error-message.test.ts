/**
 * Errors on screen read as sentences: main's lower-case messages (written for the CLI's "error: " prefix) get a
 * capital first letter in the renderer's one error path, while a first word that is a name keeps its case.
 */
import { describe, expect, it } from 'vitest'
import { BridgeError } from '@shared/bridge-client'
import { asSentence, errorMessage } from '../../src/renderer/src/logic/error-message'
import { stepError } from '../../src/renderer/src/logic/staging-screen'

describe('errorMessage', () => {
  it('starts main’s lower-case message with a capital, whatever carried it', () => {
    const inUse = 'cannot listen on 127.0.0.1:8780: port 8780 is already in use; choose another port'
    const said = 'Cannot listen on 127.0.0.1:8780: port 8780 is already in use; choose another port'
    expect(errorMessage(new BridgeError('io', inUse))).toBe(said)
    expect(errorMessage(new Error(inUse))).toBe(said)
    expect(errorMessage(inUse)).toBe(said)
    expect(errorMessage({ code: 'io', message: inUse })).toBe(said)
    // the titled step error of a card takes the same path
    expect(stepError('Serving did not start', new BridgeError('io', inUse)).message).toBe(said)
  })

  it('keeps a first word that is a name, and a sentence already capitalised, as they are', () => {
    expect(asSentence('/media/usb is not a directory')).toBe('/media/usb is not a directory')
    expect(asSentence('index.sjson: not valid JSON')).toBe('index.sjson: not valid JSON')
    expect(asSentence('http://mirror.internal/ is not reachable')).toBe('http://mirror.internal/ is not reachable')
    expect(asSentence('exFAT cannot hold this file')).toBe('exFAT cannot hold this file')
    expect(asSentence('sha256 mismatch for the file')).toBe('sha256 mismatch for the file')
    expect(asSentence('The stick is full')).toBe('The stick is full')
    expect(asSentence('')).toBe('')
  })

  it('capitalises a plain first word before punctuation or at the end', () => {
    expect(asSentence('downloader: stalled')).toBe('Downloader: stalled')
    expect(asSentence('cancelled')).toBe('Cancelled')
    expect(asSentence('can’t read the keyring')).toBe('Can’t read the keyring')
  })
})
