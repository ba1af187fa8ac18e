import { withoutUnusedImports } from './without-unused-imports.ts';

describe('withoutUnusedImports', () => {
  it('drops the bindings nothing reads, wherever they sit in the list, and keeps the rest', () => {
    const code =
      'import{a as x,b as y,c as z}from"m";import{d as w}from"n";import*as ns from"o";' +
      'export const v=y(ns.q);';
    expect(withoutUnusedImports(code)).toBe(
      'import{b as y}from"m";import{}from"n";import*as ns from"o";export const v=y(ns.q);',
    );
  });

  it('keeps a binding read only inside a nested function or a class', () => {
    const code = 'import{a,b}from"m";class C{f(){return a}}function g(){return()=>b}export{C,g};';
    expect(withoutUnusedImports(code)).toBe(code);
  });

  it('does not count a property or a string of the same name as a read', () => {
    const code = 'import{a,b}from"m";export const o={a:1,s:"a"}.a+b;';
    expect(withoutUnusedImports(code)).toBe('import{b}from"m";export const o={a:1,s:"a"}.a+b;');
  });
});
