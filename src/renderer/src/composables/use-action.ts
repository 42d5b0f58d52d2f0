/**
 * The busy flag and error message every form action shares: `run` clears the last error, marks
 * the component busy, and turns a rejection into a message for an ErrorNotice. Returns whether
 * the action succeeded. Actions that report in one place (a section's single ErrorNotice) pass
 * that place as `error`.
 */
import { ref, type Ref } from 'vue'
import { errorMessage } from '../logic/error-message'

export function useAction(error: Ref<string | null> = ref<string | null>(null)) {
  const busy = ref(false)

  async function run(action: () => Promise<void>, always?: () => void): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      await action()
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    } finally {
      always?.()
      busy.value = false
    }
  }

  return { busy, error, run }
}
