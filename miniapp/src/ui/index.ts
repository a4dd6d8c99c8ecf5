/** The member pages' design system: tokens in tokens.scss, brand colours at runtime, and these components. */
// StateView first: pages that import it directly then see its CSS in the same order as the rest.
export { default as StateView } from '../components/StateView';
export { default as Page } from './Page';
export { default as Card } from './Card';
export { default as Button } from './Button';
export { default as Badge } from './Badge';
export { default as ListCell } from './ListCell';
export { default as CouponTicket } from './CouponTicket';
export { default as BottomSheet } from './BottomSheet';
export { useBrand } from './useBrand';
