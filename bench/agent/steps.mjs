// A workflow's step list as it runs: a step with `each` becomes one run per item, and the items are
// read from ctx only when the step is reached, after the steps before it have taken their values.

export function* expandSteps(steps, ctx) {
  for (const step of steps) {
    if (!step.each) {
      yield { step, item: undefined };
      continue;
    }
    const items = step.each(ctx);
    if (!Array.isArray(items)) throw new Error('a step with `each` got no list from the steps before it');
    for (const item of items) yield { step, item };
  }
}
