import * as vscode from 'vscode';

/** What Record Debugging Session asks, in order; undefined when the user cancelled. */
export interface DebugSessionAnswers {
  problem: string;
  error: string;
  solution: string;
}

const TITLE = 'Record Debugging Session';
const TOTAL_STEPS = 3;
const TYPE_ERROR = '$(edit) Type or paste the error…';
const NO_ERROR = '$(circle-slash) No error message';

/** Resolves once (accept, Back or hide, whichever comes first) and disposes the input. */
function settleOnce<T>(resolve: (value: T) => void, input: vscode.Disposable): { done: (value: T) => void; handOff: () => void } {
  let settled = false;
  return {
    done(value) {
      if (settled) return;
      settled = true;
      resolve(value);
      input.dispose();
    },
    /** Another input takes over: this one goes without resolving. */
    handOff() {
      settled = true;
      input.dispose();
    },
  };
}

/** One line of text, with the step counter and an example as placeholder; Back returns 'back'. */
function ask(step: number, prompt: string, placeholder: string, value: string, required: boolean): Promise<string | 'back' | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: TITLE, step, totalSteps: TOTAL_STEPS, prompt: required ? prompt : `${prompt} (optional)`, placeholder, value, ignoreFocusOut: true,
      buttons: step > 1 ? [vscode.QuickInputButtons.Back] : [],
    });
    const { done } = settleOnce(resolve, box);
    box.onDidTriggerButton(() => done('back'));
    box.onDidChangeValue((text) => (box.validationMessage = required && !text.trim() ? 'Required' : undefined));
    box.onDidAccept(() => {
      if (required && !box.value.trim()) box.validationMessage = 'Required';
      else done(box.value.trim());
    });
    box.onDidHide(() => done(undefined));
    box.show();
  });
}

/** The error step: the active file's errors as picks, or typed, or none. */
function pickError(errors: string[], value: string): Promise<string | 'back' | undefined> {
  if (!errors.length) return ask(2, 'The error message', 'e.g. AssertionError: expected 10.00, got 9.99', value, false);
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick();
    Object.assign(pick, {
      title: TITLE, step: 2, totalSteps: TOTAL_STEPS, placeholder: 'The error (optional): one of the active file\'s, typed, or none',
      items: [...errors.map((label) => ({ label, description: 'in the active file' })), { label: TYPE_ERROR }, { label: NO_ERROR }],
      buttons: [vscode.QuickInputButtons.Back], ignoreFocusOut: true,
    });
    const { done, handOff } = settleOnce(resolve, pick);
    pick.onDidTriggerButton(() => done('back'));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.label;
      if (chosen === TYPE_ERROR) {
        handOff();
        void ask(2, 'The error message', 'e.g. AssertionError: expected 10.00, got 9.99', value, false).then(resolve);
      } else {
        done(chosen === NO_ERROR || chosen === undefined ? '' : chosen);
      }
    });
    pick.onDidHide(() => done(undefined));
    pick.show();
  });
}

/**
 * Record Debugging Session as one multi-step input: the problem, the error (the active file's errors offered),
 * the solution; Back goes to the previous step with what was typed kept.
 */
export async function askDebugSession(errors: string[]): Promise<DebugSessionAnswers | undefined> {
  const answers: DebugSessionAnswers = { problem: '', error: '', solution: '' };
  for (let step = 1; step <= TOTAL_STEPS;) {
    const result = step === 1 ? await ask(1, 'The problem: what went wrong?', 'e.g. Invoice totals were off by a cent', answers.problem, true)
      : step === 2 ? await pickError(errors, answers.error)
        : await ask(3, 'The solution: what fixed it?', 'e.g. Round once, after summing the lines', answers.solution, true);
    if (result === undefined) return undefined;
    if (result === 'back') {
      step = Math.max(1, step - 1);
      continue;
    }
    answers[(['problem', 'error', 'solution'] as const)[step - 1]] = result;
    step++;
  }
  return answers;
}
