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
import { withSelectionUri, withSourceUri } from '../maas-objects'
import { checkSelectionAgainstStream, checkSelectionDelete } from '../maas-selection-checks'

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
    run: async (ctx) => (await ctx.request('listBootSources', undefined)).map(withSourceUri)
  },
  {
    group: 'boot-sources',
    verb: 'create',
    args: [],
    params: 'url=URL [keyring_filename=PATH | keyring_data=BASE64]',
    summary: 'Add a boot source, after its stream fetched and verified.',
    run: async (ctx, input) =>
      withSourceUri(
        await ctx.request(
          'createBootSource',
          validate(createSourceSchema, sourceFields(input), 'boot source')
        )
      )
  },
  {
    group: 'boot-source',
    verb: 'read',
    args: ['SOURCE_ID'],
    summary: 'Read a boot source.',
    run: async (ctx, input) =>
      withSourceUri(await ctx.request('getBootSource', { id: id(input, 'SOURCE_ID') }))
  },
  {
    group: 'boot-source',
    verb: 'update',
    args: ['SOURCE_ID'],
    params: '[url=URL] [keyring_filename=PATH | keyring_data=BASE64]',
    summary:
      "Change a boot source; saved only when the new stream verifies. Unlike MAAS, refused while an import runs: it would mix two streams' images.",
    run: async (ctx, input) =>
      withSourceUri(
        await ctx.request(
          'updateBootSource',
          validate(updateSourceSchema, { id: id(input, 'SOURCE_ID'), ...sourceFields(input) }, 'boot source')
        )
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
    run: async (ctx, input) =>
      (await ctx.request('listSelections', { boot_source_id: id(input, 'SOURCE_ID') })).map(withSelectionUri)
  },
  {
    group: 'boot-source-selections',
    verb: 'create',
    args: ['SOURCE_ID'],
    listParams: LISTS,
    params: 'os=OS release=RELEASE arches=ARCH [arches=…] [subarches=…] [labels=…]',
    summary:
      "Select images to import from a boot source; each value is checked against the source's stream. Omitted subarches/labels mean all (*).",
    run: async (ctx, input) => {
      const arg = validate(
        createSelectionSchema,
        { boot_source_id: id(input, 'SOURCE_ID'), ...selectionFields(input) },
        'selection'
      )
      await checkSelectionAgainstStream(ctx, arg.boot_source_id, {
        ...arg,
        subarches: arg.subarches ?? ['*'],
        labels: arg.labels ?? ['*']
      })
      return withSelectionUri(await ctx.request('createSelection', arg))
    }
  },
  {
    group: 'boot-source-selection',
    verb: 'read',
    args: ['SOURCE_ID', 'ID'],
    summary: 'Read one selection.',
    run: async (ctx, input) =>
      withSelectionUri(
        await ctx.request('getSelection', {
          boot_source_id: id(input, 'SOURCE_ID'),
          id: Number(input.positional.ID)
        })
      )
  },
  {
    group: 'boot-source-selection',
    verb: 'update',
    args: ['SOURCE_ID', 'ID'],
    listParams: LISTS,
    params: '[os=OS] [release=RELEASE] [arches=…] [subarches=…] [labels=…]',
    summary: "Change one selection; the result is checked against the source's stream.",
    run: async (ctx, input) => {
      const arg = validate(
        updateSelectionSchema,
        {
          boot_source_id: id(input, 'SOURCE_ID'),
          id: Number(input.positional.ID),
          ...selectionFields(input)
        },
        'selection'
      )
      const current = await ctx.request('getSelection', { boot_source_id: arg.boot_source_id, id: arg.id })
      await checkSelectionAgainstStream(ctx, arg.boot_source_id, { ...current, ...arg })
      return withSelectionUri(await ctx.request('updateSelection', arg))
    }
  },
  {
    group: 'boot-source-selection',
    verb: 'delete',
    args: ['SOURCE_ID', 'ID'],
    summary: 'Delete one selection; as MAAS, not the one of the commissioning release.',
    run: async (ctx, input) => {
      const ref = { boot_source_id: id(input, 'SOURCE_ID'), id: Number(input.positional.ID) }
      await checkSelectionDelete(ctx, await ctx.request('getSelection', ref))
      await ctx.request('deleteSelection', ref)
    }
  }
]
