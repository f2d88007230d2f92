import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('tsx: components as functions, arrow functions, forwardRef and classes', async () => {
  const extraction = await extractFixture('languages', 'tsx', 'sample.tsx');
  assert.deepEqual(entityLines(extraction), [
    'interface ButtonProps 6-9',
    'function useCounter 12-16',
    'function Button 19-23',
    'function Input 25-27',
    'function List 29-31',
    'class Clock 33-47',
    'method Clock.tick 36-38',
    'method Clock.componentDidMount 40-42',
    'method Clock.render 44-46',
    'function formatTime 49-49',
    'function App 51-60',
  ]);
  assert.deepEqual(extraction.imports, ['react', './types', './styles.css']);
  assert.equal(extraction.hasErrors, false);
});

test('tsx: calls are attributed to the innermost definition; rendering a component counts, HTML tags do not', async () => {
  const extraction = await extractFixture('languages', 'tsx', 'sample.tsx');
  assert.deepEqual(callMap(extraction), {
    useCounter: ['setCount', 'useCallback', 'useState'],
    Button: ['toUpperCase'],
    Input: ['forwardRef'],
    List: ['map', 'render'],
    Clock: ['Date'],
    'Clock.tick': ['Date', 'setState'],
    'Clock.componentDidMount': ['setInterval'],
    'Clock.render': ['formatTime'],
    formatTime: ['toLocaleTimeString'],
    App: ['Button', 'Clock', 'List', 'useCounter'],
  });
});

test('tsx: docs and signatures', async () => {
  const { entities } = await extractFixture('languages', 'tsx', 'sample.tsx');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('useCounter')?.doc, 'Counts clicks.');
  assert.equal(byName.get('Button')?.doc, 'A plain button.');
  assert.equal(byName.get('Button')?.signature, 'const Button = ({ label, onPress }: ButtonProps) =>');
  assert.equal(
    byName.get('List')?.signature,
    'function List<T extends { id: string }>({ items, render }: { items: T[]; render: (item: T) => JSX.Element })',
  );
  assert.equal(byName.get('App')?.signature, 'function App({ todos }: { todos: Todo[] })');
  assert.equal(byName.get('Clock.tick')?.signature, 'tick = (): void =>');
});
