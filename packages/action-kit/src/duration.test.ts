import { formatDuration, parseDuration } from './duration.js';

test.each([
  ['90s', 90_000],
  ['15m', 900_000],
  ['2h', 7_200_000],
  ['1h30m', 5_400_000],
  ['1d', 86_400_000],
  ['250ms', 250],
  ['1.5h', 5_400_000],
  [' 5M ', 300_000],
])('parseDuration(%p) = %p', (text, ms) => expect(parseDuration(text)).toBe(ms));

test.each(['', '15', 'h', '1h1h', '5 m', '-5m', '1y', 'm5'])('parseDuration(%p) is invalid', (text) =>
  expect(parseDuration(text)).toBeUndefined(),
);

test('formatDuration', () => {
  expect(formatDuration(950)).toBe('950ms');
  expect(formatDuration(42_000)).toBe('42s');
  expect(formatDuration(185_000)).toBe('3m05s');
  expect(formatDuration(3_725_000)).toBe('1h02m');
});
