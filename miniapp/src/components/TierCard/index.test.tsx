import { render, screen } from '@testing-library/react';
import TierCard from './index';

it('shows tier, masked name, formatted balance and the multiplier', () => {
  render(<TierCard tierCode="gold" tierName="金卡会员" maskedName="张*" balance={12345} multiplierPercent={150} />);
  const card = screen.getByTestId('tier-card');
  expect(card.className).toContain('tier-card--gold');
  expect(card.textContent).toContain('金卡会员');
  expect(card.textContent).toContain('张*');
  expect(card.textContent).toContain('积分 x1.5');
  expect(screen.getByTestId('tier-card-points').textContent).toBe('12,345');
});

it('hides a x1 multiplier and ignores odd tier codes for the colour class', () => {
  render(<TierCard tierCode="Bad Code!" tierName="普通会员" maskedName="*" balance={0} multiplierPercent={100} />);
  const card = screen.getByTestId('tier-card');
  expect(card.className).not.toContain('tier-card--');
  expect(card.textContent).not.toContain('积分 x');
});

it("shows the brand's logo beside its name, and none without one", () => {
  const { unmount } = render(
    <TierCard
      tierCode="gold"
      tierName="金卡会员"
      maskedName="张*"
      balance={0}
      brandName="Mocha"
      logoUrl="https://cdn.example.com/logo.png"
    />,
  );
  expect(screen.getByTestId('tier-card-logo').getAttribute('src')).toBe('https://cdn.example.com/logo.png');
  expect(screen.getByTestId('tier-card').textContent).toContain('Mocha');
  unmount();
  render(<TierCard tierCode="gold" tierName="金卡会员" maskedName="张*" balance={0} logoUrl={null} />);
  expect(screen.queryByTestId('tier-card-logo')).toBeNull();
});
