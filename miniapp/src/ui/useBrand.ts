import { useEffect, useState } from 'react';
import { cachedBrand, onBrand, type Brand } from '../api/brand';

/** The current brand; re-renders when GET /api/brand answers (fetched once at launch by app.ts). */
export function useBrand(): Brand {
  const [brand, setBrand] = useState<Brand>(cachedBrand);
  useEffect(() => {
    const off = onBrand(setBrand);
    // The answer may have come between the first render and this subscription: take it now.
    setBrand(cachedBrand());
    return off;
  }, []);
  return brand;
}
