/**
 * boot-sources / boot-source / boot-source-selections / boot-source-selection: MAAS's verbs and
 * MAAS's JSON shapes, so scripts written against `maas $PROFILE boot-sources …` carry over.
 */
import {
  createSelectionSchema,
  createSourceSchema,
  updateSelectionSchema,
  updateSourceSchema
} from '@shared/schemas'
import { validate } from '@shared/validate'
import type { CliCommand, CliInput } from '../command'
import { listParam, param, rejectUnknownParams } from '../command'

const SOURCE_PARAMS = ['url', 'keyring_filename', 'keyring_data'] as const
const SELECTION_PARAMS = ['os', 'release', 'arches', 'subarches', 'labels'] as const
const LISTS = ['arches', 'subarches', 'labels'] as const

function sourceFields(input: CliInput): Record<string, string> {
  rejectUnknownParams(input, SOURCE_PARAMS)
  const out: Record<string, string> = {}
  for (const key of SOURCE_PARAMS) {
    const v = param(input, key)
    if (v !== undefined) out[key] = v
  }
  return out
}

function selectionFields(input: CliInput): Record<string, string | string[]> {
  rejectUnknownParams(input, SELECTION_PARAMS)
  const out: Record<string, string | string[]> = {}
  for (const key of ['os', 'release'] as const) {
    const v = param(input, key)
    if (v !== undefined) out[key] = v
  }
  for (const key of LISTS) {
    const v = listParam(input, key)
    if (v !== undefined) out[key] = v
  }
  return out
}

const id = (input: CliInput, name: string): number => input.positional[name] as number

export const bootSourceCommands: CliCommand[] = [
  {
    group: 'boot-sources',
    verb: 'read',
    args: [],
    summary: 'List boot sources.',
    run: async (ctx) => ctx.request('listBootSources', undefined)
  },
  {
    group: 'boot-sources',
    verb: 'create',
    args: [],
    params: 'url=URL [keyring_filename=PATH | keyring_data=BASE64]',
    summary: 'Add a boot source, after its stream fetched and verified.',
    run: async (ctx, input) =>
      ctx.request('createBootSource', validate(createSourceSchema, sourceFields(input), 'boot source'))
  },
  {
    group: 'boot-source',
    verb: 'read',
    args: ['SOURCE_ID'],
    summary: 'Read a boot source.',
    run: async (ctx, input) => ctx.request('getBootSource', { id: id(input, 'SOURCE_ID') })
  },
  {
    group: 'boot-source',
    verb: 'update',
    args: ['SOURCE_ID'],
    params: '[url=URL] [keyring_filename=PATH | keyring_data=BASE64]',
    summary: 'Change a boot source; saved only when the new stream verifies.',
    run: async (ctx, input) =>
      ctx.request(
        'updateBootSource',
        validate(updateSourceSchema, { id: id(input, 'SOURCE_ID'), ...sourceFields(input) }, 'boot source')
      )
  },
  {
    group: 'boot-source',
    verb: 'delete',
    args: ['SOURCE_ID'],
    summary: 'Delete a boot source and its selections.',
    run: async (ctx, input) => {
      await ctx.request('deleteBootSource', { id: id(input, 'SOURCE_ID') })
    }
  },
  {
    group: 'boot-source-selections',
    verb: 'read',
    args: ['SOURCE_ID'],
    summary: "List a boot source's selections.",
    run: async (ctx, input) => ctx.request('listSelections', { boot_source_id: id(input, 'SOURCE_ID') })
  },
  {
    group: 'boot-source-selections',
    verb: 'create',
    args: ['SOURCE_ID'],
    listParams: LISTS,
    params: 'os=OS release=RELEASE arches=ARCH [arches=…] [subarches=…] [labels=…]',
    summary: 'Select images to import from a boot source.',
    run: async (ctx, input) =>
      ctx.request(
        'createSelection',
        validate(
          createSelectionSchema,
          { boot_source_id: id(input, 'SOURCE_ID'), ...selectionFields(input) },
          'selection'
        )
      )
  },
  {
    group: 'boot-source-selection',
    verb: 'read',
    args: ['SOURCE_ID', 'ID'],
    summary: 'Read one selection.',
    run: async (ctx, input) =>
      ctx.request('getSelection', { boot_source_id: id(input, 'SOURCE_ID'), id: Number(input.positional.ID) })
  },
  {
    group: 'boot-source-selection',
    verb: 'update',
    args: ['SOURCE_ID', 'ID'],
    listParams: LISTS,
    params: '[os=OS] [release=RELEASE] [arches=…] [subarches=…] [labels=…]',
    summary: 'Change one selection.',
    run: async (ctx, input) =>
      ctx.request(
        'updateSelection',
        validate(
          updateSelectionSchema,
          {
            boot_source_id: id(input, 'SOURCE_ID'),
            id: Number(input.positional.ID),
            ...selectionFields(input)
          },
          'selection'
        )
      )
  },
  {
    group: 'boot-source-selection',
    verb: 'delete',
    args: ['SOURCE_ID', 'ID'],
    summary: 'Delete one selection.',
    run: async (ctx, input) => {
      await ctx.request('deleteSelection', {
        boot_source_id: id(input, 'SOURCE_ID'),
        id: Number(input.positional.ID)
      })
    }
  }
]
