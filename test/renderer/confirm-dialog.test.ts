// @vitest-environment happy-dom
/** The delete dialog is keyboard-complete: Tab stays inside, Escape works from anywhere, focus returns. */
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ConfirmDialog from '../../src/renderer/src/components/ConfirmDialog.vue'

enableAutoUnmount(afterEach)

/** A table row with a trash button that opens the dialog; Delete removes the row, as deleting an image does. */
const Host = defineComponent({
  setup() {
    const open = ref(false)
    const rowThere = ref(true)
    return () =>
      h('div', [
        h('button', { id: 'before' }, 'before'),
        h('table', { id: 'table' }, [
          h('tbody', [
            rowThere.value
              ? h('tr', [
                  h('td', [h('button', { id: 'trash', onClick: () => (open.value = true) }, 'Delete')])
                ])
              : null
          ])
        ]),
        open.value
          ? h(
              ConfirmDialog,
              {
                title: 'Delete it?',
                onCancel: () => (open.value = false),
                onConfirm: () => {
                  rowThere.value = false
                  open.value = false
                }
              },
              () => h('p', 'Sure?')
            )
          : null
      ])
  }
})

async function openDialog() {
  const wrapper = mount(Host, { attachTo: document.body })
  const trash = wrapper.get('#trash').element as HTMLButtonElement
  trash.focus()
  await wrapper.get('#trash').trigger('click')
  await flushPromises()
  return { wrapper, trash }
}

const press = (key: string, shiftKey = false) =>
  document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true }))

describe('ConfirmDialog', () => {
  it('keeps Tab and Shift+Tab inside the dialog', async () => {
    const { wrapper } = await openDialog()
    const dialog = wrapper.get('[role="dialog"]').element
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-cancel')
    ;(wrapper.get('[data-testid="confirm-ok"]').element as HTMLElement).focus()
    press('Tab')
    expect(dialog.contains(document.activeElement)).toBe(true)
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Close dialog')
    press('Tab', true)
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-ok')
  })

  it('Escape cancels while focus is outside the dialog too, and focus returns to the trash button', async () => {
    const { wrapper, trash } = await openDialog()
    ;(document.body as HTMLElement).focus()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await flushPromises()
    await nextTick()
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect(document.activeElement).toBe(trash)
  })

  it('after a delete removes the row, focus goes to its table, not the page body', async () => {
    const { wrapper } = await openDialog()
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    await nextTick()
    expect(wrapper.find('#trash').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('table')
  })
})
